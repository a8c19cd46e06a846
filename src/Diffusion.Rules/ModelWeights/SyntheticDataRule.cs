namespace Diffusion.Rules.ModelWeights;

/// <summary>
/// Technical Note to 4E091: when MORE than 10% of a model's training operations were on unpublished data from a
/// single generator model, the generator's operations count too (and its own training operations if its weights
/// are unpublished); no operation counts twice. This rule explains what was added; the arithmetic is
/// <see cref="CountedOperations"/>.
/// </summary>
public sealed class SyntheticDataRule : IModelControlRule
{
    public string Id => "4E091.SYNTHETIC_DATA";

    public IEnumerable<ModelWeightsFinding> Evaluate(ModelControlContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Model.SyntheticData is not { } synthetic)
        {
            yield break;
        }

        var threshold = context.Rules.SyntheticDataShareThreshold;
        if (!context.Counted.GeneratorCounts)
        {
            yield return new ModelWeightsFinding(
                FindingEffect.Info,
                new Reason(
                    "4E091.SYNTHETIC_DATA.NOT_COUNTED",
                    $"{synthetic.Share} of training operations on one generator's unpublished data is not more than {threshold.Value}: the generator's operations do not count",
                    threshold.Citation,
                    threshold.Confidence));
            yield break;
        }

        var counting = context.Rules.SyntheticDataCounting;
        var what = synthetic.GeneratorWeightsPublished
            ? $"its {synthetic.GenerationOperations} generation operations (its weights are published, so its own training does not count)"
            : $"its {synthetic.GenerationOperations} generation operations and its {synthetic.GeneratorTrainingOperations} training operations (its weights are unpublished)";
        yield return new ModelWeightsFinding(
            FindingEffect.Info,
            new Reason(
                "4E091.SYNTHETIC_DATA.COUNTED",
                $"{synthetic.Share} of training operations on one generator's unpublished data is more than {threshold.Value}: " +
                $"{what} count, less {synthetic.AlreadyCounted} already counted, adding {context.Counted.GeneratorAdded}",
                counting.Citation,
                counting.Confidence));
    }
}
