using Diffusion.Rules.Classification.Foundry;
using Diffusion.Rules.Decisions;
using Diffusion.Rules.Tiers;

namespace Diffusion.Rules;

/// <summary>
/// The dated tables every rule set reads, one file each in the rules directory rather than one per set: they change by
/// their own Federal Register rules, not with the sets.
/// </summary>
/// <param name="CountryGroups">Country Group membership by date (<c>country-groups.json</c>); null when no set has tiers.</param>
/// <param name="ApprovedConsignees">Consignees needing no licence because of who they are (<c>approved-consignees.json</c>).</param>
/// <param name="Affiliates">The affiliates (50 %) rule and its status by day (<c>affiliates.json</c>); null when absent.</param>
/// <param name="FoundryPresumption">
/// The front-end fabricator / OSAT presumption of Note 1 to 3A090.a (<c>foundry-presumption.json</c>); null when absent.
/// </param>
public sealed record SharedRuleData(CountryGroupTable? CountryGroups, ApprovedConsigneeList ApprovedConsignees, AffiliatesRuleData? Affiliates,
    FoundryPresumptionData? FoundryPresumption = null);
