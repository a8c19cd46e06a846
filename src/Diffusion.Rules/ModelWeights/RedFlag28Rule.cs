namespace Diffusion.Rules.ModelWeights;

/// <summary>
/// Red Flag 28 (infrastructure as a service): training a model past the 4E091 threshold for a customer headquartered
/// (or whose ultimate parent is headquartered) outside Tier 1 is a red flag; the provider must ask whether the
/// customer will export the weights and see that a licence is sought.
/// </summary>
public sealed class RedFlag28Rule : ITrainingRunRule
{
    public string Id => "RED_FLAG_28";

    public IEnumerable<ModelWeightsFinding> Evaluate(TrainingRunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var flag = context.Rules.RedFlag28;
        var run = context.Run;
        var threshold = context.Rules.ControlThreshold;
        var exceeds = run.PlannedOperations >= threshold.Value;

        yield return new ModelWeightsFinding(
            FindingEffect.Info,
            new Reason(
                exceeds ? "4E091.THRESHOLD.MET" : "4E091.THRESHOLD.BELOW",
                exceeds
                    ? $"planned training of {run.PlannedOperations} operations reaches the 4E091 threshold of {threshold.Value}"
                    : $"planned training of {run.PlannedOperations} operations is below the 4E091 threshold of {threshold.Value}",
                threshold.Citation,
                threshold.Confidence));

        var outside = new List<string>();
        if (!flag.ExemptHeadquartersTiers.Value.Contains(run.CustomerHeadquarters.Tier))
        {
            outside.Add($"the customer is headquartered in {run.CustomerHeadquarters}");
        }

        if (run.ParentHeadquarters is { } parent && !flag.ExemptHeadquartersTiers.Value.Contains(parent.Tier))
        {
            outside.Add($"its ultimate parent is headquartered in {parent}");
        }

        if (!exceeds)
        {
            yield break;
        }

        if (outside.Count == 0)
        {
            yield return new ModelWeightsFinding(
                FindingEffect.Info,
                new Reason(
                    $"{flag.Id.Value}.NOT_RAISED",
                    $"the customer and its ultimate parent are headquartered in Tier 1 ({run.CustomerHeadquarters}): no red flag",
                    flag.ExemptHeadquartersTiers.Citation,
                    flag.ExemptHeadquartersTiers.Confidence));
            yield break;
        }

        yield return new ModelWeightsFinding(
            FindingEffect.RedFlag,
            new Reason(
                flag.Id.Value,
                $"training a 4E091-class model for a customer outside Tier 1 ({string.Join("; ", outside)}): ask the customer " +
                string.Join(" ", flag.RequiredInquiries.Value),
                flag.Id.Citation,
                flag.Id.Confidence),
            flag.Id.Value);
    }
}
