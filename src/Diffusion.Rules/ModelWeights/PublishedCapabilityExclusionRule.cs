namespace Diffusion.Rules.ModelWeights;

/// <summary>
/// Note to 4E091: a model trained with fewer operations than needed to match the most capable published model is
/// not controlled. BIS publishes that threshold; it is rule data an officer updates by date, and never decreases.
/// </summary>
public sealed class PublishedCapabilityExclusionRule : IModelControlRule
{
    public string Id => "4E091.PUBLISHED_CAPABILITY";

    public IEnumerable<ModelWeightsFinding> Evaluate(ModelControlContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Rules.PublishedCapabilityOn(context.AsOf) is not { } step)
        {
            yield break;
        }

        var threshold = step.Operations;
        var counted = context.Counted.Total;
        if (counted < threshold.Value)
        {
            yield return new ModelWeightsFinding(
                FindingEffect.NotControlled,
                new Reason(
                    "4E091.PUBLISHED_CAPABILITY.BELOW",
                    $"trained with {counted} operations, fewer than the {threshold.Value} needed to match the most capable published model (in force from {step.EffectiveFrom:yyyy-MM-dd}): not controlled",
                    threshold.Citation,
                    threshold.Confidence));
        }
        else
        {
            yield return new ModelWeightsFinding(
                FindingEffect.MeetsControlTest,
                new Reason(
                    "4E091.PUBLISHED_CAPABILITY.MET",
                    $"trained with {counted} operations, at or above the {threshold.Value} of the most capable published model (in force from {step.EffectiveFrom:yyyy-MM-dd})",
                    threshold.Citation,
                    threshold.Confidence));
        }
    }
}
