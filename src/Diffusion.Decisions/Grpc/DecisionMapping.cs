using Diffusion.Decisions.Composition;
using Diffusion.Decisions.V1;
using Diffusion.Rules.Hosting;
using Diffusion.Rules.Decisions;

namespace Diffusion.Decisions.Grpc;

/// <summary>Maps between the decision domain and the protobuf contract.</summary>
internal static class DecisionMapping
{
    public static DecisionOutcome ToProto(this Outcome outcome) => outcome switch
    {
        Outcome.NoLicenseRequired => DecisionOutcome.NoLicenseRequired,
        Outcome.LicenseException => DecisionOutcome.LicenseException,
        Outcome.UnderLicense => DecisionOutcome.UnderLicense,
        Outcome.LicenseRequired => DecisionOutcome.LicenseRequired,
        Outcome.PresumptionOfDenial => DecisionOutcome.PresumptionOfDenial,
        Outcome.HeldForReview => DecisionOutcome.HeldForReview,
        _ => DecisionOutcome.Unspecified,
    };

    /// <summary>The answer to an order, without its reservation (the caller adds it).</summary>
    public static DecideResponse ToProto(this Decision decision, string orderId, string ruleSet, IReadOnlyDictionary<int, ClassifiedLine> lines)
    {
        var response = new DecideResponse
        {
            OrderId = orderId,
            RuleSet = ruleSet,
            Outcome = decision.Outcome.ToProto(),
            LicenseException = decision.LicenseException,
            ReviewPolicy = decision.ReviewPolicy,
            TotalTpp = decision.TotalTpp,
            H100Equivalents = decision.H100Equivalents,
            NoLicenseBasis = decision.NoLicenseBasis,
        };
        response.Questions.AddRange(decision.Questions.Select(q => q.ToProto()));
        response.Licences.AddRange(decision.Items.Where(i => i.Licence is not null).Select(i => i.Licence!.Number).Distinct().Order(StringComparer.Ordinal));
        response.Draws.AddRange(decision.Draws.Select(d => new Quota.V1.Draw { BucketId = d.BucketId, Tpp = d.Tpp }));
        foreach (var item in decision.Items)
        {
            var line = item.Item;
            var proto = new V1.ItemDecision
            {
                Index = (uint)line.Index,
                Description = line.Description,
                Eccn = line.Eccn,
                Paragraph = line.Paragraph,
                TppEach = line.TppEach,
                Quantity = line.Quantity,
                TotalTpp = line.TppEach * line.Quantity,
                H100Equivalents = line.H100EquivalentsEach * line.Quantity,
                Outcome = item.Outcome.ToProto(),
                LicenseException = item.LicenseException,
                ReviewPolicy = item.ReviewPolicy,
                NoLicenseBasis = item.NoLicenseBasis,
                Licence = item.Licence?.Number ?? "",
            };
            proto.LicenseExceptions.AddRange(line.LicenseExceptions.Order(StringComparer.Ordinal));
            response.Items.Add(proto);
            if (lines.TryGetValue(line.Index, out var classified))
            {
                response.Reasons.AddRange(classified.Reasons);
            }
        }

        response.Reasons.AddRange(decision.Reasons.Select(r => r.ToProto()));
        return response;
    }
}
