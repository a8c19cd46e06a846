using Diffusion.Rules.Tiers;

namespace Diffusion.Rules.ModelWeights;

/// <summary>
/// The model-weights checks no single file can make, run over the loaded registry at service start:
/// the "most capable published model" threshold never decreases from an earlier rule set to a later one (BIS raises
/// it as published models grow; lowering it would silently decontrol models), and every rule set with 4E091 also
/// defines the tiers the AIA and review-policy tests need.
/// </summary>
public static class ModelWeightsRuleSetValidation
{
    /// <summary>Checks the registry; throws naming file, field and problem.</summary>
    /// <exception cref="RuleLoadException">A check fails.</exception>
    public static void Validate(RuleSetRegistry registry)
    {
        var problems = Problems(registry);
        if (problems.Count > 0)
        {
            throw new RuleLoadException(problems);
        }
    }

    /// <summary>Every problem found (empty when the registry is consistent).</summary>
    public static IReadOnlyList<RuleProblem> Problems(RuleSetRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var problems = new List<RuleProblem>();
        var withFamily = registry.All
            .Where(set => set.TryGet<ModelWeightsRules>(out _))
            .OrderBy(set => set.Effective.From)
            .ToList();

        foreach (var set in withFamily)
        {
            var file = set.SourceFileOf<ModelWeightsRules>() ?? set.Id;
            if (!set.TryGet<TierRules>(out var tiers) || tiers.Tiers is null)
            {
                problems.Add(new RuleProblem(file, "$", $"rule set '{set.Id}' has 4E091 rules but no tiers (tiers.json with \"tiers\")"));
            }
        }

        for (var i = 1; i < withFamily.Count; i++)
        {
            var earlier = withFamily[i - 1];
            var later = withFamily[i];
            var earlierSteps = earlier.Get<ModelWeightsRules>().PublishedCapabilityThreshold;
            var laterSteps = later.Get<ModelWeightsRules>().PublishedCapabilityThreshold;
            if (ReferenceEquals(earlierSteps, laterSteps) || earlierSteps.Count == 0 || laterSteps.Count == 0)
            {
                continue;
            }

            var highest = earlierSteps[^1].Operations.Value;
            for (var k = 0; k < laterSteps.Count; k++)
            {
                if (laterSteps[k].Operations.Value < highest)
                {
                    problems.Add(new RuleProblem(
                        later.SourceFileOf<ModelWeightsRules>() ?? later.Id,
                        $"$.published_capability_threshold[{k}].operations.value",
                        $"must not decrease across rule sets: {laterSteps[k].Operations.Value} is below {highest} in the earlier rule set '{earlier.Id}'"));
                }
            }
        }

        return problems;
    }
}
