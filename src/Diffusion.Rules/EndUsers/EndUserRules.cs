namespace Diffusion.Rules.EndUsers;

/// <summary>Where a rule comes from and how sure the data is ("R", "G", "S", "C", "?").</summary>
public sealed record RuleSource(string Citation, string Confidence);

/// <summary>A percentage limit with its source.</summary>
public sealed record CitedShare(SharePercent Share, RuleSource Source);

/// <summary>
/// The end-user (VEU) rule family of one rule set: the UVEU geographic limits of 15 CFR 748 Supp. 10 para 6 and the
/// sources of the registration rules. Loaded from <c>rules/&lt;rule-set&gt;/end-users.json</c>.
/// The NVEU allocation schedule is not here: it is the quota family's (<c>quotas.json</c>, bucket
/// <c>nveu/&lt;veu&gt;/&lt;CC&gt;</c>) and reaches the evaluator as an <see cref="NveuAllocation"/>.
/// </summary>
/// <param name="UveuTier1MinShare">At least this share of a UVEU's installed AI compute stays in Tier 1 (75 %).</param>
/// <param name="UveuTier2CountryMaxShare">At most this share in any single Tier 2 country (7 %).</param>
/// <param name="UveuUsMinShare">A US-headquartered UVEU keeps at least this share in the United States (50 %).</param>
/// <param name="UveuHeadquarters">UVEU: headquarters and ultimate parent in Tier 1.</param>
/// <param name="NveuHeadquarters">NVEU: not headquartered (nor ultimate parent) in Tier 3 (D:5, Macau).</param>
/// <param name="ProhibitedLocations">No VEU datacenter (authorised country) in D:5 or Macau.</param>
/// <param name="NveuCountryAuthorization">An NVEU is authorised per country.</param>
/// <param name="UveuDatacenters">A UVEU deploys only in the datacenter countries on its authorisation (BIS told 180 days ahead).</param>
/// <param name="Standing">A VEU may be used only while active and valid.</param>
/// <param name="Attrition">Attrition leaves the installed base and does not count toward allocations.</param>
public sealed record EndUserRules(
    CitedShare UveuTier1MinShare,
    CitedShare UveuTier2CountryMaxShare,
    CitedShare UveuUsMinShare,
    RuleSource UveuHeadquarters,
    RuleSource NveuHeadquarters,
    RuleSource ProhibitedLocations,
    RuleSource NveuCountryAuthorization,
    RuleSource UveuDatacenters,
    RuleSource Standing,
    RuleSource Attrition);

/// <summary>An NVEU's cumulative installed-base allocation for one country in force on a date.</summary>
/// <param name="CapTpp">Cumulative TPP that may have been deployed in the country by the end of the period.</param>
/// <param name="Period">The schedule step in force, e.g. "2026-Q1".</param>
/// <param name="Source">Where the schedule comes from.</param>
public sealed record NveuAllocation(long CapTpp, string Period, RuleSource Source);
