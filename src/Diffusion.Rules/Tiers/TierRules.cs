namespace Diffusion.Rules.Tiers;

/// <summary>
/// Destinations: the country groups every rule set needs (NAC serves D:5 and Macau with notification, ACA the other
/// D:1/D:4 destinations) and, in the AI Diffusion sets only, the three tiers. File: <c>rules/&lt;set&gt;/tiers.json</c>.
/// Countries are ISO 3166-1 alpha-2 codes (two upper-case letters).
/// </summary>
[RuleFamily("tiers")]
public sealed record TierRules : IRuleFamily
{
    /// <summary>Country groups by name, e.g. "D:1", "D:4", "D:5", "Macau".</summary>
    public required IReadOnlyDictionary<string, CountryGroup> CountryGroups { get; init; }

    /// <summary>The groups License Exception NAC (notification) serves: D:5 and Macau.</summary>
    public required Cited<IReadOnlyList<string>> NacGroups { get; init; }

    /// <summary>The groups License Exception ACA (no notification) serves, less the NAC groups: D:1 and D:4.</summary>
    public required Cited<IReadOnlyList<string>> AcaGroups { get; init; }

    /// <summary>The AI Diffusion framework's tiers; null in rule sets without the framework.</summary>
    public TierDefinition? Tiers { get; init; }

    /// <summary>Whether <paramref name="country"/> is in the named group.</summary>
    public bool IsInGroup(string group, string country) => Group(group).Membership(country) is not null;

    /// <summary>The named group.</summary>
    /// <exception cref="KeyNotFoundException">No such group in this rule set.</exception>
    public CountryGroup Group(string name) => CountryGroups.TryGetValue(name, out var group)
        ? group
        : throw new KeyNotFoundException($"no country group '{name}' (groups: {string.Join(", ", CountryGroups.Keys)})");

    /// <summary>The entry that puts <paramref name="country"/> in one of <paramref name="groups"/>, or null.</summary>
    public Cited<string>? MembershipInAny(IEnumerable<string> groups, string country) =>
        groups.Select(g => Group(g).Membership(country)).FirstOrDefault(m => m is not null);

    /// <summary>D:5 or Macau (License Exception NAC, with notification).</summary>
    public bool IsNacDestination(string country) => MembershipInAny(NacGroups.Value, country) is not null;

    /// <summary>D:1 or D:4 but neither D:5 nor Macau (License Exception ACA).</summary>
    public bool IsAcaDestination(string country) =>
        !IsNacDestination(country) && MembershipInAny(AcaGroups.Value, country) is not null;

    /// <summary>The tier of a destination, with the finding.</summary>
    /// <exception cref="InvalidOperationException">This rule set has no tiers (an acr-* set): check <see cref="Tiers"/>.</exception>
    public TierAssessment TierOf(string country)
    {
        var tiers = RequireTiers();
        if (MembershipInAny(tiers.Tier3Groups.Value, country) is { } tier3)
        {
            return new(Tier.Tier3, [tier3.Reason("TIER.3", $"{country} is in Tier 3 ({string.Join(" or ", tiers.Tier3Groups.Value)})")]);
        }

        return tiers.Tier1.Value.Contains(country, StringComparer.Ordinal)
            ? new(Tier.Tier1, [tiers.Tier1.Reason("TIER.1", $"{country} is in Tier 1")])
            : new(Tier.Tier2, [tiers.Tier2.Reason("TIER.2", $"{country} is in Tier 2 (neither Tier 1 nor Tier 3)")]);
    }

    /// <summary>
    /// The tier an entity is treated as: its location's tier, unless it is headquartered, or its ultimate parent is,
    /// in Tier 3, in which case Tier 3 wherever it is (the headquarters rule).
    /// </summary>
    /// <param name="location">Where the entity or item is (ISO alpha-2).</param>
    /// <param name="headquarters">The entity's headquarters country; null or empty if unknown.</param>
    /// <param name="parentHeadquarters">Its ultimate parent's headquarters country; null or empty if none or unknown.</param>
    /// <exception cref="InvalidOperationException">This rule set has no tiers (an acr-* set).</exception>
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

    /// <inheritdoc />
    public void Validate(RuleValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var (name, group) in CountryGroups)
        {
            group.Validate(context, $"$.country_groups[\"{name}\"]");
        }

        CheckGroupNames(context, NacGroups.Value, "$.nac_groups.value");
        CheckGroupNames(context, AcaGroups.Value, "$.aca_groups.value");
        if (Tiers is not { } tiers)
        {
            return;
        }

        context.CountryCodes(tiers.Tier1.Value, "$.tiers.tier1.value");
        CheckGroupNames(context, tiers.Tier3Groups.Value, "$.tiers.tier3_groups.value");
        for (var i = 0; i < tiers.Tier1.Value.Count; i++)
        {
            var code = tiers.Tier1.Value[i];
            if (tiers.Tier3Groups.Value.Any(g => CountryGroups.TryGetValue(g, out var group) && group.Membership(code) is not null))
            {
                context.Report($"$.tiers.tier1.value[{i}]", $"'{code}' is in Tier 1 and in a Tier 3 group");
            }
        }
    }

    private void CheckGroupNames(RuleValidationContext context, IReadOnlyList<string> names, string field)
    {
        context.Require(names.Count > 0, field, "must name at least one country group");
        for (var i = 0; i < names.Count; i++)
        {
            context.Require(CountryGroups.ContainsKey(names[i]), $"{field}[{i}]",
                $"unknown country group '{names[i]}' (defined: {string.Join(", ", CountryGroups.Keys)})");
        }
    }

    private TierDefinition RequireTiers() => Tiers
        ?? throw new InvalidOperationException("this rule set has no tiers (tiers.json without \"tiers\": a set without the AI Diffusion framework)");
}

/// <summary>The AI Diffusion framework's three tiers (RULES.md section 4).</summary>
public sealed record TierDefinition
{
    /// <summary>Tier 1: the United States and 18 others.</summary>
    public required Cited<IReadOnlyList<string>> Tier1 { get; init; }

    /// <summary>Tier 2: what it is (every other destination), with its source.</summary>
    public required Cited<string> Tier2 { get; init; }

    /// <summary>Tier 3: the country groups that make it up (D:5 and Macau).</summary>
    public required Cited<IReadOnlyList<string>> Tier3Groups { get; init; }

    /// <summary>Whether an entity headquartered (or whose ultimate parent is) in Tier 3 is Tier 3 wherever it is.</summary>
    public required Cited<bool> HeadquartersRule { get; init; }
}
