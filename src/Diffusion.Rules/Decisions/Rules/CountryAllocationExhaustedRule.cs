namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// Once a Tier 2 country's allocation (cumulative 2025-2027) cannot cover a licensed export, the application is
/// reviewed under the rule set's beyond-allocation policy (a presumption of denial) and draws nothing.
/// </summary>
public sealed class CountryAllocationExhaustedRule : IDecisionRule
{
    /// <inheritdoc/>
    public string Id => "country_allocation_exhausted";

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        if (!context.Framework.Value || !context.Allocations.CountryAllocationExhausted || context.EffectiveTier != 2)
        {
            return;
        }

        var policy = context.Rules.BeyondAllocationReviewPolicy;
        var bucket = context.Rules.CountryAllocationBucketId(context.DestinationCountry);
        foreach (var item in context.Items.Where(i => i.IsAdvancedComputing))
        {
            findings.ChangePolicy(
                item,
                new PolicyChange(FrameworkWorldwideLicenceRule.RuleId, Outcome.PresumptionOfDenial, policy.Value),
                new Reason(
                    "COUNTRY_ALLOCATION.EXHAUSTED",
                    $"items[{item.Index}] {item.Description}: the allocation {bucket} cannot cover this order: {policy.Value}",
                    policy.Citation,
                    policy.Confidence));
        }
    }
}
