namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// Exports of 3A090/4A090 items (and 3A090.c HBM) to Tier 3 destinations, Country Group D:5 and Macau, need a licence,
/// reviewed under the rule set's Tier 3 policy (a presumption of denial).
/// </summary>
public sealed class Tier3DestinationRule : IDecisionRule
{
    /// <summary>The requirement source this rule records (changed by the China/Macau band).</summary>
    public const string RuleId = "tier3_destination";

    /// <inheritdoc/>
    public string Id => RuleId;

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        if (!context.DestinationIsTier3)
        {
            return;
        }

        var policy = context.Rules.Tier3ReviewPolicy;
        foreach (var item in context.Items.Where(i => i.IsAdvancedComputing || i.IsHighBandwidthMemory))
        {
            findings.Require(
                item,
                new Requirement(Id, Outcome.PresumptionOfDenial, policy.Value, DrawMechanism.None),
                new Reason(
                    "TIER3.DESTINATION",
                    $"items[{item.Index}] {item.Description} ({item.Eccn}) to {context.DestinationCountry}, a Tier 3 destination (D:5/Macau): licence required, {policy.Value}",
                    policy.Citation,
                    policy.Confidence));
        }
    }
}
