namespace Diffusion.Rules.EndUsers.Registration;

/// <summary>The outcome of a registration: accepted when no rule refused, with every refusal reason.</summary>
public sealed record RegistrationVerdict(bool Accepted, IReadOnlyList<Reason> Reasons);

/// <summary>Runs every registration rule (no short-circuit) and collects every refusal.</summary>
public sealed class RegistrationEvaluator(IEnumerable<IRegistrationRule> rules)
{
    private readonly IRegistrationRule[] rules = [.. rules];

    /// <summary>The rules of the AI Diffusion framework, in the order their reasons are reported.</summary>
    public static RegistrationEvaluator Default { get; } = new(
    [
        new UveuHeadquartersInTier1Rule(),
        new NveuHeadquartersNotTier3Rule(),
        new NoDatacentersInTier3Rule(),
        new NveuCountryAuthorizationRule(),
    ]);

    /// <summary>Evaluates every rule against <paramref name="context"/>.</summary>
    public RegistrationVerdict Evaluate(RegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var refusals = new List<Reason>();
        foreach (var rule in rules)
        {
            rule.Evaluate(context, refusals);
        }

        return new RegistrationVerdict(refusals.Count == 0, refusals);
    }
}
