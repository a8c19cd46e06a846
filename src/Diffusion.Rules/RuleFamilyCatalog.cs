using System.Reflection;

namespace Diffusion.Rules;

/// <summary>
/// The known rule families: every type marked <see cref="RuleFamilyAttribute"/> and implementing
/// <see cref="IRuleFamily"/> in the given assemblies. <see cref="Default"/> scans Diffusion.Rules, where all
/// families live (src/Diffusion.Rules/&lt;Family&gt;/).
/// </summary>
public sealed class RuleFamilyCatalog
{
    private readonly Dictionary<string, Type> _byName;
    private readonly Dictionary<Type, string> _byType;

    private RuleFamilyCatalog(Dictionary<string, Type> byName)
    {
        _byName = byName;
        _byType = byName.ToDictionary(kv => kv.Value, kv => kv.Key);
    }

    /// <summary>The families defined in Diffusion.Rules.</summary>
    public static RuleFamilyCatalog Default { get; } = FromAssemblies(typeof(RuleFamilyCatalog).Assembly);

    /// <summary>Family name → record type, e.g. "tiers" → TierRules.</summary>
    public IReadOnlyDictionary<string, Type> Families => _byName;

    /// <summary>Discovers the families in <paramref name="assemblies"/>.</summary>
    /// <exception cref="InvalidOperationException">A marked type does not implement IRuleFamily, or two share a name.</exception>
    public static RuleFamilyCatalog FromAssemblies(params Assembly[] assemblies) =>
        FromTypes(assemblies.SelectMany(a => a.GetTypes()));

    /// <summary>A catalogue of exactly these family types (tests; or to restrict a host to some families).</summary>
    public static RuleFamilyCatalog FromTypes(IEnumerable<Type> types)
    {
        var byName = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            if (type.GetCustomAttribute<RuleFamilyAttribute>() is not { } attribute)
            {
                continue;
            }

            if (!typeof(IRuleFamily).IsAssignableFrom(type) || type.IsAbstract)
            {
                throw new InvalidOperationException(
                    $"{type.FullName} is marked [RuleFamily(\"{attribute.Name}\")] but is not a concrete IRuleFamily.");
            }

            if (attribute.Name is "ruleset" or "chips" || attribute.Name.Length == 0)
            {
                throw new InvalidOperationException($"{type.FullName}: '{attribute.Name}' cannot be a rule family name.");
            }

            if (!byName.TryAdd(attribute.Name, type))
            {
                throw new InvalidOperationException(
                    $"Rule family '{attribute.Name}' is defined twice: {byName[attribute.Name].FullName} and {type.FullName}.");
            }
        }

        return new RuleFamilyCatalog(byName);
    }

    /// <summary>The family name of a record type.</summary>
    /// <exception cref="InvalidOperationException">The type is not a family of this catalogue.</exception>
    public string NameOf(Type type) => _byType.TryGetValue(type, out var name)
        ? name
        : throw new InvalidOperationException($"{type.FullName} is not a rule family (mark it [RuleFamily(\"name\")]).");
}
