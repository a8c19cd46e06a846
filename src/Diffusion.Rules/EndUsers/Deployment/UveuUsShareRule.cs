namespace Diffusion.Rules.EndUsers.Deployment;

/// <summary>
/// A UVEU headquartered in the United States keeps at least 50 % of its total AI compute in the United States
/// (15 CFR 748 Supp. 10 para 6), computed on the installed base after the deployment. A deployment into the
/// United States only raises the share and is never refused by this rule.
/// </summary>
public sealed class UveuUsShareRule : IDeploymentRule
{
    /// <inheritdoc />
    public string Id => "UVEU.US_SHARE";

    /// <inheritdoc />
    public void Evaluate(DeploymentContext context, DeploymentFindings findings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(findings);
        if (context.Veu.Kind != VeuKind.Universal || context.Veu.HeadquartersCountry != CountryCode.UnitedStates)
        {
            return;
        }

        var inUs = context.After.For(CountryCode.UnitedStates).InstalledTpp;
        var check = ShareLimit.AtLeast(
            Id, "United States share (US-headquartered UVEU)", context.Rules.UveuUsMinShare, context.Rules.UveuUsMinSharePercent, inUs, context.After.TotalInstalledTpp);
        var remedial = !check.Within && context.Country == CountryCode.UnitedStates;
        findings.Limit(
            check,
            ShareLimit.Explain(check, remedial ? "a deployment into the United States raises the share and is not refused" : null),
            refuses: !check.Within && !remedial);
    }
}
