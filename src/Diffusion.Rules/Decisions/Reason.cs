namespace Diffusion.Rules.Decisions;

/// <summary>One finding behind a decision: what was tested, what it found, and which paragraph says so.</summary>
/// <param name="Code">Stable machine-readable code, e.g. <c>LPP.ANNUAL_CAP</c>.</param>
/// <param name="Message">Human-readable explanation with the numbers compared.</param>
/// <param name="Citation">The regulatory source.</param>
/// <param name="Confidence">How sure the rule data is: R, G, S, C or ?.</param>
public sealed record DecisionReason(string Code, string Message, string Citation, string Confidence);

/// <summary>Reasons several rules give in the same words.</summary>
public static class DecisionReasons
{
    /// <summary>The classification did not find the item eligible for a licence exception a rule would apply.</summary>
    public static DecisionReason ExceptionNotListed(ClassifiedItem item, string exception, string citation, string confidence)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new DecisionReason(
            $"{exception}.NOT_ELIGIBLE",
            $"items[{item.Index}] {item.Description}: the classification does not list License Exception {exception}",
            citation,
            confidence);
    }
}
