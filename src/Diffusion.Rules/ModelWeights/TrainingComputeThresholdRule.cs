namespace Diffusion.Rules.ModelWeights;

/// <summary>
/// ECCN 4E091: weights of a model trained with 10^26 or more operations ("or more": exactly 10^26 is controlled).
/// Tested against the counted operations (see <see cref="CountedOperations"/>).
/// </summary>
public sealed class TrainingComputeThresholdRule : IModelControlRule
{
    public string Id => "4E091.THRESHOLD";

    public IEnumerable<ModelWeightsFinding> Evaluate(ModelControlContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var threshold = context.Rules.ControlThreshold;
        var counted = context.Counted.Total;
        var met = counted >= threshold.Value;
        yield return new ModelWeightsFinding(
            met ? FindingEffect.MeetsControlTest : FindingEffect.NotControlled,
            new Reason(
                met ? "4E091.THRESHOLD.MET" : "4E091.THRESHOLD.BELOW",
                met
                    ? $"trained with {counted} operations, at or above the 4E091 threshold of {threshold.Value}"
                    : $"trained with {counted} operations, below the 4E091 threshold of {threshold.Value}: not controlled",
                threshold.Citation,
                threshold.Confidence));
    }
}
