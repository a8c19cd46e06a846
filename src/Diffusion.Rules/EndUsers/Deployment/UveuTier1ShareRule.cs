using Diffusion.Rules.Tiers;

namespace Diffusion.Rules.EndUsers.Deployment;

/// <summary>
/// A UVEU keeps at least 75 % of its total AI compute in Tier 1 (15 CFR 748 Supp. 10 para 6), computed on the
/// installed base after the deployment. A deployment into Tier 1 only raises the share, so it is never refused by
/// this rule, even when attrition already left the share short (it is then reported as not within, as a note).
/// </summary>
public sealed class UveuTier1ShareRule : IDeploymentRule
{
    /// <inheritdoc />
    public string Id => "UVEU.TIER1_SHARE";

    /// <inheritdoc />
    public void Evaluate(DeploymentContext context, DeploymentFindings findings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(findings);
        if (context.Veu.Kind != VeuKind.Universal)
        {
            return;
        }

        var tier1 = context.After.InstalledWhere(c => context.TierOf(c) == Tier.Tier1);
        var check = ShareLimit.AtLeast(Id, "Tier 1 share", context.Rules.UveuTier1MinShare, context.Rules.UveuTier1MinSharePercent, tier1, context.After.TotalInstalledTpp);
        var remedial = !check.Within && context.TierOf(context.Country) == Tier.Tier1;
        findings.Limit(
            check,
            ShareLimit.Explain(check, remedial ? "a deployment into Tier 1 raises the share and is not refused" : null),
            refuses: !check.Within && !remedial);
    }
}
