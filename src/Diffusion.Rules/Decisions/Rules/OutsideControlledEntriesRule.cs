namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// Items the classification put outside 3A090/4A090 (and weights that are not 4E091) need no licence under this rule:
/// they are EAR99-like for the purposes of the advanced-computing controls.
/// </summary>
public sealed class OutsideControlledEntriesRule : IDecisionRule
{
    /// <inheritdoc/>
    public string Id => "outside_controlled_entries";

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        var rule = context.Rules.Cite(Id);
        foreach (var item in context.Items)
        {
            if (item.Kind != ItemKind.ModelWeights && item.Eccn.Length == 0)
            {
                findings.Add(rule.Reason(
                    "ITEM.OUTSIDE_3A090",
                    $"items[{item.Index}] {item.Description}: outside 3A090/4A090 (TPP {item.TppEach:0.##}); no licence required under this rule"));
            }
        }
    }
}
