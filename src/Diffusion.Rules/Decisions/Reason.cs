namespace Diffusion.Rules.Decisions;

/// <summary>Reasons several decision rules give in the same words.</summary>
public static class DecisionReasons
{
    /// <summary>The classification did not find the item eligible for a licence exception a rule would apply.</summary>
    public static Reason ExceptionNotListed(ClassifiedItem item, string exception, Cited<string> rule)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Reason(
            $"{exception}.NOT_ELIGIBLE",
            $"items[{item.Index}] {item.Description}: the classification does not list License Exception {exception}");
    }
}
