namespace Diffusion.Rules.Tiers;

/// <summary>
/// A rule set's destinations on one calendar day: its <see cref="TierRules"/> (which groups NAC, ACA and Tier 3 are
/// made of, and Tier 1) over the Country Group memberships in force that day (<see cref="CountryGroupTable"/>).
/// Obtain with <see cref="RuleSet.DestinationsOn"/>.
/// </summary>
/// <param name="Rules">The rule set's tier rules.</param>
/// <param name="Groups">The dated country group table.</param>
/// <param name="Day">The day memberships are read on.</param>
public sealed record Destinations(TierRules Rules, CountryGroupTable Groups, DateOnly Day)
{
    /// <summary>Whether the rule set has the AI Diffusion framework's tiers.</summary>
    public bool HasTiers => Rules.Tiers is not null;

    /// <summary>The row that makes <paramref name="country"/> a member of <paramref name="group"/> on <see cref="Day"/>, or null.</summary>
    public Cited<string>? Membership(string group, string country) => Groups.Membership(group, country, Day);

    /// <summary>Whether <paramref name="country"/> is in the named group on <see cref="Day"/>.</summary>
    public bool IsInGroup(string group, string country) => Membership(group, country) is not null;

    /// <summary>The row that puts <paramref name="country"/> in one of <paramref name="groups"/> on <see cref="Day"/>, or null.</summary>
    public Cited<string>? MembershipInAny(IEnumerable<string> groups, string country) =>
        groups.Select(g => Membership(g, country)).FirstOrDefault(m => m is not null);

    /// <summary>D:5 or Macau (License Exception NAC, with notification).</summary>
    public bool IsNacDestination(string country) => MembershipInAny(Rules.NacGroups.Value, country) is not null;

    /// <summary>D:1, D:4 or named in the licence requirement, but neither D:5 nor Macau (License Exception ACA).</summary>
    public bool IsAcaDestination(string country) =>
        !IsNacDestination(country) && MembershipInAny(Rules.AcaGroups.Value, country) is not null;

    /// <summary>The tier of a destination on <see cref="Day"/>, with the finding (its citation is the membership row's).</summary>
    /// <exception cref="InvalidOperationException">The rule set has no tiers (an acr-* set): check <see cref="HasTiers"/>.</exception>
    public TierAssessment TierOf(string country)
    {
        var tiers = RequireTiers();
        if (MembershipInAny(tiers.Tier3Groups.Value, country) is { } tier3)
        {
            return new(Tier.Tier3, [tier3.Reason("TIER.3", $"{country} is in Tier 3 ({string.Join(" or ", tiers.Tier3Groups.Value)}) on {Day:yyyy-MM-dd}")]);
        }

        return tiers.Tier1.Value.Contains(country, StringComparer.Ordinal)
            ? new(Tier.Tier1, [tiers.Tier1.Reason("TIER.1", $"{country} is in Tier 1")])
            : new(Tier.Tier2, [tiers.Tier2.Reason("TIER.2", $"{country} is in Tier 2 (neither Tier 1 nor Tier 3 on {Day:yyyy-MM-dd})")]);
    }

    /// <summary>
    /// The tier an entity is treated as: its location's tier, unless it is headquartered, or its ultimate parent is,
    /// in Tier 3, in which case Tier 3 wherever it is (the headquarters rule).
    /// </summary>
    /// <param name="location">Where the entity or item is (ISO alpha-2).</param>
    /// <param name="headquarters">The entity's headquarters country; null or empty if unknown.</param>
    /// <param name="parentHeadquarters">Its ultimate parent's headquarters country; null or empty if none or unknown.</param>
    /// <exception cref="InvalidOperationException">The rule set has no tiers (an acr-* set).</exception>
    public TierAssessment EffectiveTier(string location, string? headquarters, string? parentHeadquarters)
    {
        var tiers = RequireTiers();
        var byLocation = TierOf(location);
        if (byLocation.Tier == Tier.Tier3 || !tiers.HeadquartersRule.Value)
        {
            return byLocation;
        }

        foreach (var (country, who) in new[] { (headquarters, "headquarters"), (parentHeadquarters, "ultimate parent's headquarters") })
        {
            if (!string.IsNullOrEmpty(country) && TierOf(country).Tier == Tier.Tier3)
            {
                return new(Tier.Tier3, [.. byLocation.Reasons, tiers.HeadquartersRule.Reason("TIER.HEADQUARTERS",
                    $"treated as Tier 3: {who} in {country} (Tier 3), although located in {location} ({byLocation.Tier})")]);
            }
        }

        return byLocation;
    }

    private TierDefinition RequireTiers() => Rules.Tiers
        ?? throw new InvalidOperationException("this rule set has no tiers (tiers.json without \"tiers\": a set without the AI Diffusion framework)");
}
