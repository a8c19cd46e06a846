namespace Diffusion.Rules.ModelWeights;

/// <summary>
/// The operations counted toward the 4E091 threshold (Technical Note to 4E091): the model's own training, the
/// parts of a derived model if they add up to more, and a synthetic-data generator's operations when more than the
/// threshold share of training used its unpublished data. No operation counts twice.
/// </summary>
/// <param name="Total">What the threshold is tested against.</param>
/// <param name="Declared">The model's declared training operations.</param>
/// <param name="DerivedParts">Base plus additional operations for a derived model, else null.</param>
/// <param name="GeneratorAdded">Generator operations added (after removing those already counted).</param>
/// <param name="GeneratorCounts">The synthetic share is above the threshold, so the generator counts.</param>
public sealed record CountedOperations(
    TrainingOperations Total,
    TrainingOperations Declared,
    TrainingOperations? DerivedParts,
    TrainingOperations GeneratorAdded,
    bool GeneratorCounts)
{
    /// <summary>
    /// Counts a model's operations. The declared total includes a base model's training; when a derived model's base
    /// plus additional operations exceed the declared total, the parts are counted (never fewer operations than the
    /// parts). The generator's generation operations, plus its training operations when its weights are unpublished,
    /// are added only when the share is MORE than the threshold; those already counted in the declared total are
    /// subtracted from what is added (never from the model's own training), so none counts twice.
    /// </summary>
    public static CountedOperations For(ModelDescription model, ModelWeightsRules rules)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rules);

        var declared = model.TrainingOperations;
        TrainingOperations? parts = model.DerivedFrom is { } derived
            ? derived.BaseModelOperations + derived.AdditionalOperations
            : null;
        var own = parts is { } p ? TrainingOperations.Max(declared, p) : declared;

        var added = TrainingOperations.Zero;
        var counts = false;
        if (model.SyntheticData is { } synthetic && synthetic.Share > rules.SyntheticDataShareThreshold.Value)
        {
            counts = true;
            var generator = synthetic.GenerationOperations;
            if (!synthetic.GeneratorWeightsPublished)
            {
                generator += synthetic.GeneratorTrainingOperations;
            }

            added = generator.SaturatingSubtract(synthetic.AlreadyCounted);
        }

        return new CountedOperations(own + added, declared, parts, added, counts);
    }
}
