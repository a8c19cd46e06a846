namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// Under the AI Diffusion framework (90 FR 4544, effective 2025-01-13) advanced-computing items need a licence to
/// every destination; exceptions (AIA for Tier 1, LPP, VEU) lift it. A licensed Tier 2 export to a non-VEU end user
/// draws the destination's country allocation.
/// </summary>
public sealed class FrameworkWorldwideLicenceRule : IDecisionRule
{
    /// <summary>The requirement source this rule records (changed when the allocation is used up).</summary>
    public const string RuleId = "framework_worldwide_licence";

    /// <inheritdoc/>
    public string Id => RuleId;

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        var framework = context.Framework;
        if (!framework.Value || context.EffectiveTier == 3)
        {
            return;
        }

        var policy = context.Rules.Tier2ReviewPolicy;
        var draw = context.DestinationTier == 2 ? DrawMechanism.CountryAllocation : DrawMechanism.None;
        foreach (var item in context.Items.Where(i => i.IsAdvancedComputing))
        {
            var drawText = draw == DrawMechanism.CountryAllocation
                ? $"; a licensed export draws {context.Rules.CountryAllocationBucketId(context.DestinationCountry)}"
                : "";
            findings.Require(
                item,
                new Requirement(Id, Outcome.LicenseRequired, policy.Value, draw),
                new Reason(
                    "FRAMEWORK.WORLDWIDE_LICENCE",
                    $"items[{item.Index}] {item.Description} ({item.Eccn}) to {context.DestinationCountry} (Tier {context.DestinationTier}): licence required unless an exception applies, {policy.Value}{drawText}",
                    framework.Citation,
                    framework.Confidence));
        }
    }
}
