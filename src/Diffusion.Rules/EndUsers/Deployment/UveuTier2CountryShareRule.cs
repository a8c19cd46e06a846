using Diffusion.Rules.Tiers;

namespace Diffusion.Rules.EndUsers.Deployment;

/// <summary>
/// A UVEU keeps at most 7 % of its total AI compute in any single Tier 2 country (15 CFR 748 Supp. 10 para 6),
/// computed on the installed base after the deployment. Only the destination's share can rise with a deployment
/// (every other country's share falls), so the destination, when in Tier 2, is the country tested.
/// </summary>
public sealed class UveuTier2CountryShareRule : IDeploymentRule
{
    /// <inheritdoc />
    public string Id => "UVEU.TIER2_COUNTRY_SHARE";

    /// <inheritdoc />
    public void Evaluate(DeploymentContext context, DeploymentFindings findings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(findings);
        if (context.Veu.Kind != VeuKind.Universal || context.TierOf(context.Country) != Tier.Tier2)
        {
            return;
        }

        var inCountry = context.After.For(context.Country).InstalledTpp;
        var check = ShareLimit.AtMost(
            Id, $"share in {context.Country} (Tier 2)", context.Rules.UveuTier2CountryMaxShare, context.Rules.UveuTier2CountryMaxSharePercent, inCountry, context.After.TotalInstalledTpp);
        findings.Limit(check, ShareLimit.Explain(check), refuses: !check.Within);
    }
}
