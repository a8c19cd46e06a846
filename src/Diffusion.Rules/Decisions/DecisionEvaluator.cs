using Diffusion.Rules.Decisions.Rules;

namespace Diffusion.Rules.Decisions;

/// <summary>
/// Runs every rule over an order (no short-circuit), then decides each line: no requirement means no licence; an
/// available authorisation lifts the requirements; a granted licence that covers the line lifts what remains (unless
/// the line is held for review); otherwise the strictest requirement, after review-policy changes, decides. The order
/// takes its strictest line's outcome.
/// </summary>
public sealed class DecisionEvaluator(IReadOnlyList<IDecisionRule> rules)
{
    /// <summary>
    /// When several authorisations cover one line, the first in this list is used: those that draw nothing first,
    /// then VEU, then LPP (which uses up the consignee's annual cap).
    /// </summary>
    private static readonly string[] AuthorizationPreference = ["APPROVED", "AIA", "NAC", "ACA", "HBM", "VEU", "LPP"];

    /// <summary>Every decision rule, in the order their reasons read best.</summary>
    public static IReadOnlyList<IDecisionRule> AllRules { get; } =
    [
        new OutsideControlledEntriesRule(),
        new Tier3DestinationRule(),
        new Tier3HeadquartersRule(),
        new ChinaMacauCaseByCaseRule(),
        new FrameworkWorldwideLicenceRule(),
        new LicenceDestinationRule(),
        new ApprovedConsigneeRule(),
        new ArtificialIntelligenceAuthorizationRule(),
        new NotForDatacenterRule(),
        new HighBandwidthMemoryRule(),
        new ValidatedEndUserRule(),
        new LowProcessingPerformanceRule(),
        new CountryAllocationExhaustedRule(),
        new ModelWeightsRule(),
        new AffiliatesRule(),
        new GrantedLicenceRule(),
    ];

    /// <summary>An evaluator over every rule.</summary>
    public static DecisionEvaluator Default { get; } = new(AllRules);

    /// <summary>Decides an order.</summary>
    public Decision Evaluate(DecisionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.Count == 0)
        {
            throw new ArgumentException("an order needs at least one item", nameof(context));
        }

        foreach (var item in context.Items)
        {
            item.Validate();
        }

        var findings = new DecisionFindings();
        foreach (var reason in context.TierReasons)
        {
            findings.Add(reason);
        }

        foreach (var rule in rules)
        {
            rule.Evaluate(context, findings);
        }

        var items = context.Items.Select(item => DecideItem(item, findings)).ToList();
        var outcome = items.Max(i => i.Outcome);
        var exception = outcome == Outcome.LicenseException
            ? string.Join(",", items.Where(i => i.LicenseException.Length > 0).Select(i => i.LicenseException).Distinct().OrderBy(Preference))
            : "";
        var policy = outcome >= Outcome.LicenseRequired
            ? string.Join("; ", items.Where(i => i.Outcome == outcome && i.ReviewPolicy.Length > 0).Select(i => i.ReviewPolicy).Distinct())
            : "";
        var draws = outcome is Outcome.PresumptionOfDenial or Outcome.HeldForReview ? [] : Draws(context, items);
        var totalTpp = context.Items
            .Where(i => i.Kind is ItemKind.Chip or ItemKind.Assembly)
            .Sum(i => i.TppEach * i.Quantity);
        return new Decision(
            outcome,
            exception,
            policy,
            items,
            draws,
            totalTpp,
            context.Items.Sum(i => i.H100EquivalentsEach * i.Quantity),
            findings.Reasons,
            outcome == Outcome.HeldForReview ? findings.Questions : [],
            string.Join("; ", items.Where(i => i.NoLicenseBasis.Length > 0).Select(i => i.NoLicenseBasis).Distinct()));
    }

    private static ItemDecision DecideItem(ClassifiedItem item, DecisionFindings findings)
    {
        var changes = findings.PolicyChangesFor(item.Index);
        var requirements = findings.RequirementsFor(item.Index)
            .Select(r => changes.LastOrDefault(c => c.Source == r.Source) is { } change
                ? r with { Outcome = change.Outcome, ReviewPolicy = change.ReviewPolicy, Draw = change.Draw ?? r.Draw }
                : r)
            .ToList();
        if (requirements.Count == 0)
        {
            return new ItemDecision(item, Outcome.NoLicenseRequired, "", "", DrawMechanism.None);
        }

        var authorization = findings.AuthorizationsFor(item.Index).OrderBy(a => Preference(a.Exception)).FirstOrDefault();
        if (authorization is not null)
        {
            // What an exception or basis cannot lift (an Entity List affiliate, a hold) still decides the line.
            requirements = [.. requirements.Where(r => !r.ExceptionsLift)];
            if (requirements.Count == 0)
            {
                return authorization.NoLicenseBasis is { } basis
                    ? new ItemDecision(item, Outcome.NoLicenseRequired, "", "", DrawMechanism.None, basis)
                    : new ItemDecision(item, Outcome.LicenseException, authorization.Exception, "", authorization.Draw);
            }
        }

        // A licence BIS granted for this export authorises it whatever the review policy of an application would be
        // (15 CFR 750.7(a)); a hold is not a licence requirement and stays.
        if (findings.LicenceFor(item.Index) is { } licence && !requirements.Exists(r => r.Outcome == Outcome.HeldForReview))
        {
            return new ItemDecision(item, Outcome.UnderLicense, "", "", DrawMechanism.Licence, Licence: licence);
        }

        var strictest = requirements.MaxBy(r => r.Outcome)!;
        var draw = strictest.Outcome == Outcome.PresumptionOfDenial ? DrawMechanism.None : strictest.Draw;
        return new ItemDecision(item, strictest.Outcome, "", strictest.ReviewPolicy, draw);
    }

    private static int Preference(string exception)
    {
        var index = Array.IndexOf(AuthorizationPreference, exception);
        return index < 0 ? AuthorizationPreference.Length : index;
    }

    private static List<PlannedDraw> Draws(DecisionContext context, List<ItemDecision> items)
    {
        return items
            .Where(i => i.Draw != DrawMechanism.None)
            .GroupBy(i => (Bucket: BucketId(context, i), i.Draw))
            .Select(g => new PlannedDraw(g.Key.Bucket, g.Aggregate(0L, (sum, i) => checked(sum + Amount(context, i))), g.Key.Draw))
            .OrderBy(d => d.BucketId, StringComparer.Ordinal)
            .ToList();
    }

    private static string BucketId(DecisionContext context, ItemDecision item) => item.Draw switch
    {
        DrawMechanism.LowProcessingPerformance => context.Rules.LppBucketId(context.Consignee.Id, context.AsOf.Year),
        DrawMechanism.CountryAllocation => context.Rules.CountryAllocationBucketId(context.DestinationCountry),
        DrawMechanism.NationalVeu => context.Rules.NveuBucketId(context.Veu?.Id ?? "", context.DestinationCountry),
        DrawMechanism.ChinaShare => Quotas.BucketId.ForChinaShare(context.Exporter, item.Item.Description)
            ?? throw new InvalidOperationException("a China share draw needs an exporter and a product"),
        DrawMechanism.Licence => item.Licence?.BucketId ?? throw new InvalidOperationException("a licence draw needs its licence"),
        _ => throw new ArgumentOutOfRangeException(nameof(item), item.Draw, "draws nothing"),
    };

    // Every bucket counts whole TPP; a China share bucket counts the TPP shipped to the US, so an order draws its TPP
    // divided by the share (ShareDraw); a licence counted in units draws the line's quantity.
    private static long Amount(DecisionContext context, ItemDecision item) => item.Draw switch
    {
        DrawMechanism.ChinaShare => context.Rules.CaseByCase!.ShareDraw(item.Item.WholeTpp),
        DrawMechanism.Licence => item.Licence!.Draw(item.Item),
        _ => item.Item.WholeTpp,
    };
}
