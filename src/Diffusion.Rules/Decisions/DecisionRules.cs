namespace Diffusion.Rules.Decisions;

/// <summary>
/// The decision parameters of one rule set, file <c>rules/&lt;set&gt;/decisions.json</c>: review policies, bucket id
/// templates, the worldwide licence for Tier 3-headquartered entities, the 2026 China/Macau band and the paragraph each
/// decision rule implements (<see cref="RuleCitations"/>). Every value
/// carries its citation so an officer can correct it without a release. Whether the AI Diffusion framework applies
/// comes from the rule set's manifest; tiers and country groups from <c>tiers.json</c>.
/// </summary>
[RuleFamily("decisions")]
public sealed record DecisionRules : IRuleFamily
{
    /// <summary>Review policy for Tier 3 (D:5/Macau) destinations and Tier 3-headquartered consignees.</summary>
    public required Cited<string> Tier3ReviewPolicy { get; init; }

    /// <summary>Review policy for a licensed Tier 2 export within the country allocation.</summary>
    public required Cited<string> Tier2ReviewPolicy { get; init; }

    /// <summary>Review policy once the country allocation cannot cover an export.</summary>
    public required Cited<string> BeyondAllocationReviewPolicy { get; init; }

    /// <summary>Without the framework: review policy for the D:1/D:4 destinations that need a licence.</summary>
    public required Cited<string> LicenceDestinationReviewPolicy { get; init; }

    /// <summary>Bucket id template of the LPP consignee-year bucket, with {consignee} and {year}.</summary>
    public required Cited<string> LppBucket { get; init; }

    /// <summary>Bucket id template of a Tier 2 country allocation, with {country}.</summary>
    public required Cited<string> CountryAllocationBucket { get; init; }

    /// <summary>Bucket id template of an NVEU's per-country bucket, with {veu} and {country}.</summary>
    public required Cited<string> NveuBucket { get; init; }

    /// <summary>The worldwide licence for entities headquartered (or whose ultimate parent is) in D:5/Macau.</summary>
    public required Cited<string> HeadquartersRule { get; init; }

    /// <summary>The China/Macau case-by-case band, in the rule sets that have it.</summary>
    public CaseByCaseBand? CaseByCase { get; init; }

    /// <summary>
    /// What each decision rule implements, keyed by <see cref="IDecisionRule.CitationKeys"/> (e.g. "license_exception_aia"):
    /// the rule's name, the paragraph it cites and how sure the data is. Reasons a rule gives on its own authority
    /// quote these, so an officer corrects a citation here, not in code. Every rule of
    /// <see cref="DecisionEvaluator.AllRules"/> must have its entries: one missing stops loading.
    /// </summary>
    public required IReadOnlyDictionary<string, Cited<string>> RuleCitations { get; init; }

    /// <summary>The citation of one decision rule (a key validated at load, see <see cref="RuleCitations"/>).</summary>
    public Cited<string> Cite(string key) => RuleCitations.TryGetValue(key, out var cited)
        ? cited
        : throw new KeyNotFoundException($"decisions.json has no rule_citations.{key}");

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

    /// <inheritdoc/>
    public void Validate(RuleValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var (policy, field) in new[]
        {
            (Tier3ReviewPolicy, "tier3_review_policy"),
            (Tier2ReviewPolicy, "tier2_review_policy"),
            (BeyondAllocationReviewPolicy, "beyond_allocation_review_policy"),
            (LicenceDestinationReviewPolicy, "licence_destination_review_policy"),
            (HeadquartersRule, "headquarters_rule"),
        })
        {
            context.Require(!string.IsNullOrWhiteSpace(policy.Value), $"$.{field}.value", "must not be empty");
            context.Require(!string.IsNullOrWhiteSpace(policy.Citation), $"$.{field}.citation", "must not be empty");
        }

        foreach (var (template, field, placeholders) in new[]
        {
            (LppBucket, "lpp_bucket", new[] { "{consignee}", "{year}" }),
            (CountryAllocationBucket, "country_allocation_bucket", ["{country}"]),
            (NveuBucket, "nveu_bucket", ["{veu}", "{country}"]),
        })
        {
            foreach (var placeholder in placeholders)
            {
                context.Require(template.Value.Contains(placeholder, StringComparison.Ordinal), $"$.{field}.value", $"must contain {placeholder}");
            }
        }

        ValidateRuleCitations(context);
        if (CaseByCase is { } band)
        {
            context.Positive(band.TppBelow, "CaseByCase.TppBelow");
            context.Positive(band.DramBandwidthBelowGbPerS, "CaseByCase.DramBandwidthBelowGbPerS");
            context.CountryCodes(band.Countries.Value, "$.case_by_case.countries.value");
            context.CountryCodes(band.OriginCountries.Value, "$.case_by_case.origin_countries.value");
            context.Require(!string.IsNullOrWhiteSpace(band.ReviewPolicy.Value), "$.case_by_case.review_policy.value", "must not be empty");
            context.Require(band.ShareOfUsShipmentsPercent.Value is > 0 and <= 100, "$.case_by_case.share_of_us_shipments_percent.value",
                $"must be a percentage in (0, 100], was {band.ShareOfUsShipmentsPercent.Value}");
            context.Require(band.Certifications.Count > 0, "$.case_by_case.certifications", "must list what the exporter certifies");
            for (var i = 0; i < band.Certifications.Count; i++)
            {
                context.Require(!string.IsNullOrWhiteSpace(band.Certifications[i].Value), $"$.case_by_case.certifications[{i}].value", "must not be empty");
                context.Require(!string.IsNullOrWhiteSpace(band.Certifications[i].Citation), $"$.case_by_case.certifications[{i}].citation", "must not be empty");
            }
        }
    }

    // Every rule the evaluator runs must say what it implements, and every entry must belong to a rule (a misspelt key
    // would otherwise leave its rule uncited).
    private void ValidateRuleCitations(RuleValidationContext context)
    {
        var owners = DecisionEvaluator.AllRules
            .SelectMany(rule => rule.CitationKeys.Select(key => (Key: key, Rule: rule.GetType().Name)))
            .ToList();
        foreach (var (key, rule) in owners.Where(o => !RuleCitations.ContainsKey(o.Key)))
        {
            context.Report($"$.rule_citations.{key}", $"missing: the decision rule {rule} has no citation");
        }

        foreach (var (key, cited) in RuleCitations)
        {
            context.Require(owners.Exists(o => o.Key == key), $"$.rule_citations.{key}", "names no decision rule");
            context.Require(!string.IsNullOrWhiteSpace(cited.Value), $"$.rule_citations.{key}.value", "must not be empty");
            context.Require(!string.IsNullOrWhiteSpace(cited.Citation), $"$.rule_citations.{key}.citation", "must not be empty");
        }
    }
}

/// <summary>
/// The January 2026 China/Macau band (91 FR 1684): licence applications for chips below both thresholds, exported
/// from the listed origins, are reviewed case by case with conditions instead of under a presumption of denial.
/// </summary>
public sealed record CaseByCaseBand
{
    /// <summary>Destinations (or Tier 3 headquarters) the band covers: CN, MO.</summary>
    public required Cited<IReadOnlyList<string>> Countries { get; init; }

    /// <summary>A chip's TPP must be below this (exclusive).</summary>
    public required Cited<decimal> TppBelow { get; init; }

    /// <summary>A chip's total DRAM bandwidth must be below this, GB/s (exclusive); unknown bandwidth does not qualify.</summary>
    public required Cited<decimal> DramBandwidthBelowGbPerS { get; init; }

    /// <summary>First day the band applies (inclusive).</summary>
    public required Cited<DateOnly> EffectiveFrom { get; init; }

    /// <summary>Exports from these countries only.</summary>
    public required Cited<IReadOnlyList<string>> OriginCountries { get; init; }

    /// <summary>The review policy inside the band.</summary>
    public required Cited<string> ReviewPolicy { get; init; }

    /// <summary>What the exporter must certify in its application; each becomes a reason of a decision in the band.</summary>
    public required IReadOnlyList<Cited<string>> Certifications { get; init; }

    /// <summary>
    /// China and Macau shipments of a product may be at most this percentage of what the exporter shipped of it to US
    /// end users. Counted per exporter and product in bucket <c>china-share/&lt;exporter&gt;/&lt;product&gt;</c>: its cap
    /// is the TPP the exporter has shipped to the US, as an officer records it; an order draws its TPP divided by this
    /// share (at 50 %, twice its TPP), so the bucket is full exactly when the share is reached.
    /// </summary>
    public required Cited<decimal> ShareOfUsShipmentsPercent { get; init; }

    /// <summary>What an order of <paramref name="tpp"/> draws from a China share bucket: its TPP divided by the share, rounded up.</summary>
    public long ShareDraw(long tpp) => checked((long)Math.Ceiling(tpp * 100m / ShareOfUsShipmentsPercent.Value));
}
