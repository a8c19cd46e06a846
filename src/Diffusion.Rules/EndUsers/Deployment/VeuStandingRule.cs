namespace Diffusion.Rules.EndUsers.Deployment;

/// <summary>A VEU authorisation may be used only while active and within its validity [valid_from, valid_to).</summary>
public sealed class VeuStandingRule : IDeploymentRule
{
    /// <inheritdoc />
    public string Id => "VEU.STANDING";

    /// <inheritdoc />
    public void Evaluate(DeploymentContext context, DeploymentFindings findings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(findings);
        var source = context.Rules.Standing;
        if (context.Veu.Status != VeuStatus.Active)
        {
            findings.Refuse(new Reason(Id, $"VEU {context.Veu.Id} is {context.Veu.Status}, not Active", source.Citation, source.Confidence));
        }

        if (!context.Veu.IsValidAt(context.AsOf))
        {
            var until = context.Veu.ValidTo is { } end ? $"{end:yyyy-MM-dd}" : "open-ended";
            findings.Refuse(new Reason(
                Id,
                $"VEU {context.Veu.Id} is valid from {context.Veu.ValidFrom:yyyy-MM-dd} to {until}, not at {context.AsOf:yyyy-MM-dd}",
                source.Citation,
                source.Confidence));
        }
    }
}
