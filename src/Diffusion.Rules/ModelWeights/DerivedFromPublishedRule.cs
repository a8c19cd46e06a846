namespace Diffusion.Rules.ModelWeights;

/// <summary>
/// Note to 4E091: a model derived from published weights is not controlled unless its additional training is MORE
/// than the higher of 2.5 x 10^25 operations and 25% of the base model's training operations.
/// </summary>
public sealed class DerivedFromPublishedRule : IModelControlRule
{
    public string Id => "4E091.DERIVED";

    public IEnumerable<ModelWeightsFinding> Evaluate(ModelControlContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Model.DerivedFrom is not { } derived)
        {
            yield break;
        }

        var floor = context.Rules.DerivedModelAdditionalFloor;
        var fraction = context.Rules.DerivedModelBaseFraction;
        var share = derived.BaseModelOperations.ScaleForMoreThanTest(fraction.Value);
        var limit = TrainingOperations.Max(floor.Value, share);
        var which = share > floor.Value
            ? $"{fraction.Value:0.##} of the base model's {derived.BaseModelOperations} = {share}"
            : $"the floor of {floor.Value}";
        var (citation, confidence) = share > floor.Value
            ? (fraction.Citation, fraction.Confidence)
            : (floor.Citation, floor.Confidence);

        if (derived.AdditionalOperations > limit)
        {
            yield return new ModelWeightsFinding(
                FindingEffect.MeetsControlTest,
                new Reason(
                    "4E091.DERIVED.SUBSTANTIAL",
                    $"derived from published weights with {derived.AdditionalOperations} additional operations, more than {which}: the derived-model exclusion does not apply",
                    citation,
                    confidence));
        }
        else
        {
            yield return new ModelWeightsFinding(
                FindingEffect.NotControlled,
                new Reason(
                    "4E091.DERIVED.EXCLUDED",
                    $"derived from published weights with {derived.AdditionalOperations} additional operations, not more than {which}: not controlled",
                    citation,
                    confidence));
        }
    }
}
