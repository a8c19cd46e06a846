namespace Diffusion.Rules.EndUsers.Deployment;

/// <summary>The outcome of a deployment check: allowed when no rule refused, with every limit and reason.</summary>
public sealed record DeploymentVerdict(bool Allowed, IReadOnlyList<LimitCheck> Limits, IReadOnlyList<Reason> Reasons);

/// <summary>Runs every deployment rule (no short-circuit) and collects every finding.</summary>
public sealed class DeploymentEvaluator(IEnumerable<IDeploymentRule> rules)
{
    private readonly IDeploymentRule[] rules = [.. rules];

    /// <summary>The rules of the AI Diffusion framework, in the order their findings are reported.</summary>
    public static DeploymentEvaluator Default { get; } = new(
    [
        new VeuStandingRule(),
        new DeploymentLocationRule(),
        new UveuTier1ShareRule(),
        new UveuTier2CountryShareRule(),
        new UveuUsShareRule(),
        new NveuCountryAllocationRule(),
    ]);

    /// <summary>Evaluates every rule against <paramref name="context"/>.</summary>
    public DeploymentVerdict Evaluate(DeploymentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var findings = new DeploymentFindings();
        foreach (var rule in rules)
        {
            rule.Evaluate(context, findings);
        }

        return new DeploymentVerdict(!findings.Refused, findings.Limits, findings.Reasons);
    }
}
