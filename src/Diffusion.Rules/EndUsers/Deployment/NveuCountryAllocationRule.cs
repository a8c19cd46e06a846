namespace Diffusion.Rules.EndUsers.Deployment;

/// <summary>
/// An NVEU's cumulative deployments in a country may not exceed that country's allocation for the period in force
/// (the quarterly schedule of the quota family, bucket <c>nveu/&lt;veu&gt;/&lt;CC&gt;</c>). Cumulative deployments count,
/// not the installed base: attrition does not give allocation back.
/// </summary>
public sealed class NveuCountryAllocationRule : IDeploymentRule
{
    /// <inheritdoc />
    public string Id => "NVEU.COUNTRY_ALLOCATION";

    /// <inheritdoc />
    public void Evaluate(DeploymentContext context, DeploymentFindings findings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(findings);
        if (context.Veu.Kind != VeuKind.National)
        {
            return;
        }

        if (context.HeldAtQuota)
        {
            // One store decides one cap: the reservation in nveu/<veu>/<CC> passed Quota's atomic check.
            findings.Note(new Reason(
                Id,
                $"{ShareLimit.Tpp(context.Tpp)} TPP in {context.Country} is held by a reservation in its Quota bucket, which checked it against the NVEU's allocation",
                context.Rules.NveuCountryAuthorization.Citation,
                context.Rules.NveuCountryAuthorization.Confidence));
            return;
        }

        if (context.Allocation is not { } allocation)
        {
            findings.Refuse(new Reason(
                Id,
                $"no NVEU allocation for {context.Country} is in force at {context.AsOf:yyyy-MM-dd}",
                context.Rules.NveuCountryAuthorization.Citation,
                context.Rules.NveuCountryAuthorization.Confidence));
            return;
        }

        // Quota's count when the allocation came from Quota (its cap and what it holds); else the deployments recorded here.
        var deployed = allocation.DrawnTpp ?? context.Before.For(context.Country).DeployedTpp;
        var projected = checked(deployed + context.Tpp);
        var headroom = checked(allocation.CapTpp - projected);
        var check = new LimitCheck(
            Id,
            $"{(allocation.DrawnTpp is null ? "cumulative deployments" : "held in its Quota bucket")} in {context.Country}: {ShareLimit.Tpp(deployed)} + {ShareLimit.Tpp(context.Tpp)} = " +
            $"{ShareLimit.Tpp(projected)} TPP against the {allocation.Period} allocation of {ShareLimit.Tpp(allocation.CapTpp)} TPP " +
            "(attrition does not count)",
            headroom >= 0,
            allocation.CapTpp,
            projected,
            headroom,
            allocation.Citation,
            allocation.Confidence);
        findings.Limit(check, ShareLimit.Explain(check), refuses: !check.Within);
    }
}
