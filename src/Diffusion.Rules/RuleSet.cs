using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Diffusion.Rules.Tiers;

namespace Diffusion.Rules;

/// <summary>
/// One loaded, validated rule set: its manifest and its rule families (own files plus those inherited along
/// <c>inherits</c>). Immutable; shared by every request.
/// </summary>
public sealed class RuleSet
{
    private readonly IReadOnlyDictionary<Type, LoadedFamily> _families;

    internal RuleSet(RuleSetManifest manifest, RuleSet? parent, IReadOnlyDictionary<Type, LoadedFamily> families, SharedRuleData shared)
    {
        Manifest = manifest;
        Parent = parent;
        _families = families;
        Shared = shared;
    }

    /// <summary>The id, e.g. "aid-2025".</summary>
    public string Id => Manifest.Id;

    /// <summary>The manifest (title, citation, effective period, status).</summary>
    public RuleSetManifest Manifest { get; }

    /// <summary>The set inherited from, if any.</summary>
    public RuleSet? Parent { get; }

    /// <summary>The days the set applies to, [from, to).</summary>
    public EffectivePeriod Effective => Manifest.Effective;

    /// <summary>
    /// The day from which the operator may choose not to apply this set (an announced rescission); null if none.
    /// </summary>
    public DateOnly? NonEnforcementFrom =>
        Manifest.AllowsNonEnforcement ? Manifest.Status.Date : null;

    /// <summary>The dated Country Group table (<c>rules/country-groups.json</c>, shared by every set); null when no set has tiers.</summary>
    public CountryGroupTable? CountryGroups => Shared.CountryGroups;

    /// <summary>The dated tables shared by every set (country groups, approved consignees).</summary>
    public SharedRuleData Shared { get; }

    /// <summary>This set's destinations (groups, NAC/ACA, tiers) with the group memberships in force on <paramref name="day"/>.</summary>
    /// <exception cref="RuleFamilyMissingException">The set has no tiers.json.</exception>
    public Destinations DestinationsOn(DateOnly day) =>
        new(Get<TierRules>(), CountryGroups ?? throw new InvalidOperationException("no country group table was loaded"), day);

    /// <summary>The dated facts behind the set's status: its own, else those of the set it inherits (aid-2026 shares aid-2025's).</summary>
    public IReadOnlyList<DatedFact> StatusFacts => Manifest.Status.Facts.Count > 0 ? Manifest.Status.Facts : Parent?.StatusFacts ?? [];

    /// <summary>The family names this set has, own or inherited.</summary>
    public IEnumerable<string> FamilyNames => _families.Values.Select(f => f.Name).Order(StringComparer.Ordinal);

    /// <summary>The rule family <typeparamref name="T"/>, e.g. <c>ruleSet.Get&lt;TierRules&gt;()</c>.</summary>
    /// <exception cref="RuleFamilyMissingException">Neither this set nor any set it inherits has the family's file.</exception>
    public T Get<T>() where T : class, IRuleFamily => TryGet<T>(out var family)
        ? family
        : throw new RuleFamilyMissingException(Id, typeof(T).GetCustomAttribute<RuleFamilyAttribute>()?.Name ?? typeof(T).Name);

    /// <summary>The rule family <typeparamref name="T"/> if this set has it (own or inherited).</summary>
    public bool TryGet<T>([NotNullWhen(true)] out T? family) where T : class, IRuleFamily
    {
        family = _families.TryGetValue(typeof(T), out var loaded) ? (T)loaded.Value : null;
        return family is not null;
    }

    /// <summary>The file a family was read from (e.g. "rules/acr-2023/classification.json" for an inherited one).</summary>
    public string? SourceFileOf<T>() where T : class, IRuleFamily =>
        _families.TryGetValue(typeof(T), out var loaded) ? loaded.File : null;

    /// <inheritdoc />
    public override string ToString() => $"{Id} {Effective}";

    internal LoadedFamily? TryGetLoaded(Type type) => _families.GetValueOrDefault(type);

    /// <summary>The effective rule data of every family, as <c>diffusion rules show</c> prints it.</summary>
    public IReadOnlyList<EffectiveFamily> EffectiveFamilies =>
        [.. _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => new EffectiveFamily(f.Name, f.Files, f.Json.ToJsonString(EffectiveJson)))];

    private static readonly System.Text.Json.JsonSerializerOptions EffectiveJson = new() { WriteIndented = true };

    /// <param name="Name">The family, e.g. "classification".</param>
    /// <param name="Value">The validated record.</param>
    /// <param name="File">The set's own file, or the inherited one.</param>
    /// <param name="Json">The effective object (own keys over inherited ones).</param>
    /// <param name="Files">The files it is made of, the first inherited to the set's own.</param>
    internal sealed record LoadedFamily(string Name, object Value, string File, System.Text.Json.Nodes.JsonObject Json, IReadOnlyList<string> Files);
}

/// <summary>A rule set lacks a family a caller needs (e.g. tier lists in an acr-* set).</summary>
public sealed class RuleFamilyMissingException(string ruleSetId, string family)
    : InvalidOperationException($"rule set '{ruleSetId}' has no '{family}' rules (no {family}.json in it or the sets it inherits)")
{
    /// <summary>The rule set asked.</summary>
    public string RuleSetId { get; } = ruleSetId;

    /// <summary>The family name, e.g. "quotas".</summary>
    public string Family { get; } = family;
}

/// <summary>One rule family as a set applies it: the files it comes from (per-key inheritance) and the merged data.</summary>
/// <param name="Name">The family, e.g. "classification".</param>
/// <param name="Files">The files merged, the furthest ancestor first, e.g. rules/acr-2023/classification.json, rules/aid-2025/classification.json.</param>
/// <param name="Json">The effective data, indented JSON.</param>
public sealed record EffectiveFamily(string Name, IReadOnlyList<string> Files, string Json);
