namespace Diffusion.Rules.ModelWeights;

/// <summary>Review policy for 4E091 licence applications to D:5 and Macau (Tier 3): presumption of denial.</summary>
public sealed class RestrictedDestinationReviewRule : IWeightsExportRule
{
    public string Id => "4E091.REVIEW.DESTINATION";

    public IEnumerable<ModelWeightsFinding> Evaluate(WeightsExportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var policy = context.Rules.ReviewPolicy;
        if (!policy.RestrictedDestinationTiers.Value.Contains(context.Export.Destination.Tier))
        {
            yield break;
        }

        yield return new ModelWeightsFinding(
            FindingEffect.RestrictiveReviewPolicy,
            new Reason(
                "4E091.REVIEW.DESTINATION",
                $"destination {context.Export.Destination}: applications are reviewed under a {policy.Restricted.Value}",
                policy.Restricted.Citation,
                policy.Restricted.Confidence),
            policy.Restricted.Value);
    }
}
