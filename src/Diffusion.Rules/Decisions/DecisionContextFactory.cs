namespace Diffusion.Rules.Decisions;

/// <summary>Who ships where: the parties of an order as given.</summary>
/// <param name="DestinationCountry">ISO 3166-1 alpha-2.</param>
/// <param name="OriginCountry">The country exported from.</param>
/// <param name="ConsigneeId">The ultimate consignee's id.</param>
/// <param name="HeadquartersCountry">The consignee's headquarters, or "".</param>
/// <param name="ParentHeadquartersCountry">Its ultimate parent's headquarters, or "".</param>
/// <param name="Identity">The consignee's name, parent, owners and whether it is a government agency; none when not given.</param>
/// <param name="Exporter">The exporter, or "".</param>
public sealed record OrderParties(
    string DestinationCountry,
    string OriginCountry,
    string ConsigneeId,
    string HeadquartersCountry = "",
    string ParentHeadquartersCountry = "",
    ConsigneeIdentity? Identity = null,
    string Exporter = "");

/// <summary>
/// Builds the decision context of an order under a rule set. In sets with the AI Diffusion framework, countries take
/// its tiers; in the others D:5 and Macau count as Tier 3 and every other country as Tier 2, and membership of D:1/D:4
/// says whether a licence is needed.
/// </summary>
public static class DecisionContextFactory
{
    /// <summary>The context of an order, nothing yet known to be exhausted.</summary>
    public static DecisionContext Create(RuleSet ruleSet, DateOnly asOf, OrderParties parties, VeuFinding? veu, IReadOnlyList<ClassifiedItem> items)
    {
        ArgumentNullException.ThrowIfNull(ruleSet);
        ArgumentNullException.ThrowIfNull(parties);
        var tiers = ruleSet.DestinationsOn(asOf);
        var manifest = ruleSet.Manifest;
        var framework = manifest.AiDiffusionFramework && tiers.HasTiers;
        var reasons = new List<Reason>();

        int TierOf(string country, bool explain)
        {
            if (country.Length == 0)
            {
                return 0;
            }

            if (!framework)
            {
                return tiers.IsNacDestination(country) ? 3 : 2;
            }

            var assessment = tiers.TierOf(country);
            if (explain)
            {
                reasons.AddRange(assessment.Reasons);
            }

            return (int)assessment.Tier;
        }

        var destination = parties.DestinationCountry;
        var licenceGroup = !framework && tiers.IsAcaDestination(destination)
            ? tiers.MembershipInAny(tiers.Rules.AcaGroups.Value, destination)
            : null;
        return new DecisionContext(
            ruleSet.Id,
            asOf,
            destination,
            TierOf(destination, explain: true),
            parties.OriginCountry,
            new ConsigneeProfile(
                parties.ConsigneeId,
                parties.HeadquartersCountry,
                TierOf(parties.HeadquartersCountry, explain: false),
                parties.ParentHeadquartersCountry,
                TierOf(parties.ParentHeadquartersCountry, explain: false))
            {
                Identity = parties.Identity ?? ConsigneeIdentity.None,
            },
            veu,
            items,
            AllocationState.Unknown,
            ruleSet.Get<DecisionRules>(),
            new Cited<bool> { Value = framework, Citation = manifest.Citation, Confidence = manifest.Effective.Confidence },
            licenceGroup,
            reasons)
        {
            ApprovedConsignees = ruleSet.Shared.ApprovedConsignees,
            Affiliates = ruleSet.Shared.Affiliates,
            Exporter = parties.Exporter,
        };
    }
}
