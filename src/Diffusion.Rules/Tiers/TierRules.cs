namespace Diffusion.Rules.Tiers;

/// <summary>
/// Destinations: which country groups License Exceptions NAC (D:5 and Macau, with notification) and ACA (the other
/// D:1/D:4 destinations) serve and, in the AI Diffusion sets only, the three tiers. File: <c>rules/&lt;set&gt;/tiers.json</c>.
/// Group membership itself is dated and shared by every set (<see cref="CountryGroupTable"/>); read both through
/// <see cref="RuleSet.DestinationsOn"/>. Countries are ISO 3166-1 alpha-2 codes (two upper-case letters).
/// </summary>
[RuleFamily("tiers")]
public sealed record TierRules : IRuleFamily
{
    /// <summary>The groups License Exception NAC (notification) serves: D:5 and Macau.</summary>
    public required Cited<IReadOnlyList<string>> NacGroups { get; init; }

    /// <summary>The groups License Exception ACA (no notification) serves, less the NAC groups: D:1, D:4 and destinations named in the licence requirement.</summary>
    public required Cited<IReadOnlyList<string>> AcaGroups { get; init; }

    /// <summary>The AI Diffusion framework's tiers; null in rule sets without the framework.</summary>
    public TierDefinition? Tiers { get; init; }

    /// <summary>Every group name this family refers to (checked against the country group table when loading).</summary>
    public IEnumerable<(string Group, string Field)> GroupReferences()
    {
        for (var i = 0; i < NacGroups.Value.Count; i++)
        {
            yield return (NacGroups.Value[i], $"$.nac_groups.value[{i}]");
        }

        for (var i = 0; i < AcaGroups.Value.Count; i++)
        {
            yield return (AcaGroups.Value[i], $"$.aca_groups.value[{i}]");
        }

        for (var i = 0; i < (Tiers?.Tier3Groups.Value.Count ?? 0); i++)
        {
            yield return (Tiers!.Tier3Groups.Value[i], $"$.tiers.tier3_groups.value[{i}]");
        }
    }

    /// <inheritdoc />
    public void Validate(RuleValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Require(NacGroups.Value.Count > 0, "$.nac_groups.value", "must name at least one country group");
        context.Require(AcaGroups.Value.Count > 0, "$.aca_groups.value", "must name at least one country group");
        if (Tiers is not { } tiers)
        {
            return;
        }

        context.CountryCodes(tiers.Tier1.Value, "$.tiers.tier1.value");
        context.Require(tiers.Tier3Groups.Value.Count > 0, "$.tiers.tier3_groups.value", "must name at least one country group");
    }
}

/// <summary>The AI Diffusion framework's three tiers (90 FR 4544).</summary>
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
