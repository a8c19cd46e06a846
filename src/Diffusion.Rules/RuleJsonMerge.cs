using System.Text.Json.Nodes;

namespace Diffusion.Rules;

/// <summary>
/// Per-key inheritance of rule families: a set's family file holds only what it changes, laid over the family its
/// <c>inherits</c> chain resolves to. Objects merge key by key, all the way down, except a cited value (an object with
/// a <c>value</c> key: value, citation, confidence and note belong together) and anything that is not an object on
/// both sides (arrays included), which the child replaces whole. A key set to <c>null</c> in the child removes the
/// inherited one.
/// </summary>
public static class RuleJsonMerge
{
    /// <summary>The effective object: <paramref name="child"/> over <paramref name="parent"/>; neither is changed.</summary>
    public static JsonObject Merge(JsonObject parent, JsonObject child)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(child);
        var merged = (JsonObject)parent.DeepClone();
        foreach (var (key, value) in child)
        {
            if (value is null)
            {
                merged.Remove(key);
            }
            else if (value is JsonObject own && merged[key] is JsonObject inherited && !IsCited(own) && !IsCited(inherited))
            {
                merged[key] = Merge(inherited, own);
            }
            else
            {
                merged[key] = value.DeepClone();
            }
        }

        return merged;
    }

    private static bool IsCited(JsonObject node) => node.ContainsKey("value");
}
