namespace Diffusion.Rules.ModelWeights;

/// <summary>Note to 4E091: published (open) weights are not controlled, whatever the training compute.</summary>
public sealed class PublishedWeightsExclusionRule : IModelControlRule
{
    public string Id => "4E091.PUBLISHED";

    public IEnumerable<ModelWeightsFinding> Evaluate(ModelControlContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Model.WeightsPublished)
        {
            yield break;
        }

        var exclusion = context.Rules.PublishedWeightsExclusion;
        yield return new ModelWeightsFinding(
            FindingEffect.NotControlled,
            new Reason("4E091.PUBLISHED", "the weights are published: not controlled under 4E091", exclusion.Citation, exclusion.Confidence));
    }
}
