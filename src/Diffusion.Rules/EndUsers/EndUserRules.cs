namespace Diffusion.Rules.EndUsers;

/// <summary>
/// The end-user (Validated End User) family of a rule set: the UVEU geographic limits of 15 CFR 748 Supp. 10 para 6
/// and the sources of the registration and deployment rules. File: <c>rules/&lt;set&gt;/end-users.json</c>; rule sets
/// without the AI Diffusion framework have none. Percentages are of the VEU's total installed AI compute in TPP.
/// The NVEU allocation schedule is not here: it is the quota family's (bucket <c>nveu/&lt;veu&gt;/&lt;CC&gt;</c>) and
/// reaches the rules as an <see cref="NveuAllocation"/>.
/// </summary>
[RuleFamily("end-users")]
public sealed record EndUserRules : IRuleFamily
{
    /// <summary>At least this share of a UVEU's installed AI compute stays in Tier 1 (75 %).</summary>
    public required Cited<decimal> UveuTier1MinSharePercent { get; init; }

    /// <summary>At most this share of a UVEU's installed AI compute in any single Tier 2 country (7 %).</summary>
    public required Cited<decimal> UveuTier2CountryMaxSharePercent { get; init; }

    /// <summary>A US-headquartered UVEU keeps at least this share in the United States (50 %).</summary>
    public required Cited<decimal> UveuUsMinSharePercent { get; init; }

    /// <summary>UVEU: headquarters and ultimate parent in Tier 1.</summary>
    public required Cited<string> UveuHeadquarters { get; init; }

    /// <summary>UVEU: deploys only in the datacenter countries on its authorisation (BIS told 180 days ahead).</summary>
    public required Cited<string> UveuDatacenters { get; init; }

    /// <summary>NVEU: neither it nor its ultimate parent headquartered in Tier 3 (D:5, Macau).</summary>
    public required Cited<string> NveuHeadquarters { get; init; }

    /// <summary>NVEU: one authorisation per country, each with its own allocation.</summary>
    public required Cited<string> NveuCountryAuthorization { get; init; }

    /// <summary>No VEU datacenter (authorised country) in D:5 or Macau.</summary>
    public required Cited<string> ProhibitedLocations { get; init; }

    /// <summary>A VEU authorisation may be used only while active and valid.</summary>
    public required Cited<string> Standing { get; init; }

    /// <summary>Attrition (loss, damage, failure, relocation, resale) leaves the installed base, does not count toward allocations.</summary>
    public required Cited<string> Attrition { get; init; }

    /// <summary><see cref="UveuTier1MinSharePercent"/> as an exact fraction.</summary>
    public SharePercent UveuTier1MinShare => new(UveuTier1MinSharePercent.Value);

    /// <summary><see cref="UveuTier2CountryMaxSharePercent"/> as an exact fraction.</summary>
    public SharePercent UveuTier2CountryMaxShare => new(UveuTier2CountryMaxSharePercent.Value);

    /// <summary><see cref="UveuUsMinSharePercent"/> as an exact fraction.</summary>
    public SharePercent UveuUsMinShare => new(UveuUsMinSharePercent.Value);

    /// <inheritdoc />
    public void Validate(RuleValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Percent(context, UveuTier1MinSharePercent, "$.uveu_tier1_min_share_percent");
        Percent(context, UveuTier2CountryMaxSharePercent, "$.uveu_tier2_country_max_share_percent");
        Percent(context, UveuUsMinSharePercent, "$.uveu_us_min_share_percent");
        context.HasCitation(UveuTier1MinSharePercent);
        context.HasCitation(UveuTier2CountryMaxSharePercent);
        context.HasCitation(UveuUsMinSharePercent);
        context.HasCitation(UveuHeadquarters);
        context.HasCitation(UveuDatacenters);
        context.HasCitation(NveuHeadquarters);
        context.HasCitation(NveuCountryAuthorization);
        context.HasCitation(ProhibitedLocations);
        context.HasCitation(Standing);
        context.HasCitation(Attrition);
    }

    private static void Percent(RuleValidationContext context, Cited<decimal> percent, string field)
    {
        var value = percent.Value;
        context.Require(value is >= 0 and <= 100, field + ".value", $"must be a percentage in [0, 100], was {value}");
        context.Require(decimal.Round(value, SharePercent.MaxDecimalPlaces) == value, field + ".value",
            $"at most {SharePercent.MaxDecimalPlaces} decimal places, was {value}");
    }
}

/// <summary>An NVEU's cumulative installed-base allocation for one country in force on a date.</summary>
/// <param name="CapTpp">Cumulative TPP that may have been deployed in the country by the end of the period.</param>
/// <param name="Period">The schedule step in force, e.g. "2026-Q1".</param>
/// <param name="Citation">Where the schedule comes from.</param>
/// <param name="Confidence">How sure the schedule is.</param>
public sealed record NveuAllocation(long CapTpp, string Period, string Citation, Confidence Confidence)
{
    /// <summary>
    /// What the NVEU's Quota bucket already holds (committed plus pending), when the cap and the count come from Quota,
    /// the one store of the allocation; null: count the deployments recorded here.
    /// </summary>
    public long? DrawnTpp { get; init; }
}
