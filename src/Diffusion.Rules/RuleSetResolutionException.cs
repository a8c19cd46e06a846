namespace Diffusion.Rules;

/// <summary>
/// A request named an unknown rule set, or no rule set is in force on the requested day. <see cref="Field"/> is the
/// request field at fault ("rule_set" or "as_of"); services answer INVALID_ARGUMENT with <see cref="Exception.Message"/>,
/// which starts with the field name.
/// </summary>
public sealed class RuleSetResolutionException(string field, string problem) : ArgumentException($"{field}: {problem}")
{
    /// <summary>The request field at fault: "rule_set" or "as_of".</summary>
    public string Field { get; } = field;
}
