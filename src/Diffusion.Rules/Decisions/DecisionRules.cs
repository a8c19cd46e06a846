namespace Diffusion.Rules.Decisions;

/// <summary>A value from rule data with where it comes from and how sure it is.</summary>
/// <param name="Value">The value.</param>
/// <param name="Citation">The regulatory source.</param>
/// <param name="Confidence">R regulatory text, G official statement, S secondary, C arithmetic, ? unverified.</param>
public sealed record DecisionValue<T>(T Value, string Citation, string Confidence);

/// <summary>
/// The decision parameters of one rule set (rules/&lt;set&gt;/decisions.json). Every number and every policy wording
/// lives here, with its citation, so an officer can correct it without a release.
/// </summary>
/// <param name="Framework">Whether the January 2025 AI Diffusion framework applies: worldwide licence for advanced-computing
/// items, Tier 1 under License Exception AIA, License Exception LPP and the Tier 2 country allocations.</param>
/// <param name="Tier3ReviewPolicy">Review policy for Tier 3 (D:5/Macau) destinations and Tier 3-headquartered consignees.</param>
/// <param name="Tier2ReviewPolicy">Review policy for a licensed Tier 2 export within the country allocation.</param>
/// <param name="BeyondAllocationReviewPolicy">Review policy once the country allocation is used up.</param>
/// <param name="LicenceDestinations">Without the framework: destinations besides Tier 3 that need a licence (D:1/D:4 not in A:5/A:6).</param>
/// <param name="LicenceDestinationReviewPolicy">Review policy for those destinations.</param>
/// <param name="LppBucket">Bucket id template of the LPP consignee-year bucket: {consignee}, {year}.</param>
/// <param name="CountryAllocationBucket">Bucket id template of a Tier 2 country allocation: {country}.</param>
/// <param name="NveuBucket">Bucket id template of an NVEU's per-country bucket: {veu}, {country}.</param>
/// <param name="H100Tpp">TPP of one NVIDIA H100, for H100-equivalents.</param>
/// <param name="HeadquartersRule">Citation of the worldwide licence for entities headquartered in D:5/Macau.</param>
/// <param name="CaseByCase">The China/Macau case-by-case band, when the rule set has it.</param>
public sealed record DecisionRules(
    DecisionValue<bool> Framework,
    DecisionValue<string> Tier3ReviewPolicy,
    DecisionValue<string> Tier2ReviewPolicy,
    DecisionValue<string> BeyondAllocationReviewPolicy,
    DecisionValue<IReadOnlyList<string>> LicenceDestinations,
    DecisionValue<string> LicenceDestinationReviewPolicy,
    DecisionValue<string> LppBucket,
    DecisionValue<string> CountryAllocationBucket,
    DecisionValue<string> NveuBucket,
    DecisionValue<double> H100Tpp,
    DecisionValue<string> HeadquartersRule,
    CaseByCaseBand? CaseByCase)
{
    /// <summary>The LPP bucket of a consignee for a calendar year.</summary>
    public string LppBucketId(string consigneeId, int year) => LppBucket.Value
        .Replace("{consignee}", consigneeId, StringComparison.Ordinal)
        .Replace("{year}", year.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>The country allocation bucket of a Tier 2 destination.</summary>
    public string CountryAllocationBucketId(string country) => CountryAllocationBucket.Value
        .Replace("{country}", country, StringComparison.Ordinal);

    /// <summary>The NVEU bucket for one country.</summary>
    public string NveuBucketId(string veuId, string country) => NveuBucket.Value
        .Replace("{veu}", veuId, StringComparison.Ordinal)
        .Replace("{country}", country, StringComparison.Ordinal);
}

/// <summary>
/// The January 2026 China/Macau band (91 FR 1684): licence applications for chips below both thresholds, exported from
/// the listed origins, are reviewed case by case with conditions instead of under a presumption of denial.
/// </summary>
/// <param name="Countries">Destinations (or headquarters) the band covers: CN, MO.</param>
/// <param name="TppBelow">A chip's TPP must be below this (exclusive).</param>
/// <param name="DramBandwidthBelowGbPerS">A chip's total DRAM bandwidth must be below this, GB/s (exclusive); unknown bandwidth does not qualify.</param>
/// <param name="EffectiveFrom">First day the band applies (inclusive).</param>
/// <param name="OriginCountries">Exports from these countries only.</param>
/// <param name="ReviewPolicy">The review policy inside the band.</param>
public sealed record CaseByCaseBand(
    DecisionValue<IReadOnlyList<string>> Countries,
    DecisionValue<double> TppBelow,
    DecisionValue<double> DramBandwidthBelowGbPerS,
    DecisionValue<DateOnly> EffectiveFrom,
    DecisionValue<IReadOnlyList<string>> OriginCountries,
    DecisionValue<string> ReviewPolicy);
