namespace Diffusion.Rules.ModelWeights;

/// <summary>
/// An entity headquartered in Tier 3 (D:5 or Macau), or whose ultimate parent is, is treated as Tier 3 wherever it
/// is: 4E091 applications for it are reviewed under a presumption of denial even for a Tier 1 or Tier 2 destination.
/// </summary>
public sealed class RestrictedHeadquartersReviewRule : IWeightsExportRule
{
    public string Id => "4E091.REVIEW.HEADQUARTERS";

    public IEnumerable<ModelWeightsFinding> Evaluate(WeightsExportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var policy = context.Rules.ReviewPolicy;
        var restricted = policy.RestrictedHeadquartersTiers;
        var export = context.Export;
        if (restricted.Value.Contains(export.RecipientHeadquarters.Tier))
        {
            yield return Finding("the recipient is headquartered in", export.RecipientHeadquarters, policy);
        }

        if (export.ParentHeadquarters is { } parent && restricted.Value.Contains(parent.Tier))
        {
            yield return Finding("the recipient's ultimate parent is headquartered in", parent, policy);
        }
    }

    private static ModelWeightsFinding Finding(string who, CountryInTier where, ReviewPolicyRules policy) =>
        new(
            FindingEffect.RestrictiveReviewPolicy,
            new Reason(
                "4E091.REVIEW.HEADQUARTERS",
                $"{who} {where}: treated as that tier wherever it is; applications are reviewed under a {policy.Restricted.Value}",
                policy.RestrictedHeadquartersTiers.Citation,
                policy.RestrictedHeadquartersTiers.Confidence),
            policy.Restricted.Value);
}
