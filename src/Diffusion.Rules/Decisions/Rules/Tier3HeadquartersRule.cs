namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// An entity headquartered in D:5 or Macau, or whose ultimate parent is, needs a licence for 3A090.a-class items
/// wherever it is (Tier 3 anywhere); reaffirmed by the BIS guidance of 2026-05-31.
/// </summary>
public sealed class Tier3HeadquartersRule : IDecisionRule
{
    /// <summary>The requirement source this rule records (changed by the China/Macau band).</summary>
    public const string RuleId = "tier3_headquarters";

    /// <inheritdoc/>
    public string Id => RuleId;

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        if (context.DestinationIsTier3 || !context.ConsigneeIsTier3Headquartered)
        {
            return;
        }

        var citation = context.Rules.HeadquartersRule;
        var policy = context.Rules.Tier3ReviewPolicy;
        var country = context.Consignee.Tier3HeadquartersCountry;
        var whose = context.Consignee.HeadquartersTier == 3 ? "headquartered" : "whose ultimate parent is headquartered";
        foreach (var item in context.Items.Where(i => i.IsAdvancedComputing))
        {
            findings.Require(
                item,
                new Requirement(Id, Outcome.PresumptionOfDenial, policy.Value, DrawMechanism.None),
                new Reason(
                    "TIER3.HEADQUARTERS",
                    $"items[{item.Index}] {item.Description} ({item.Eccn}): consignee {context.Consignee.Id} is {whose} in {country} (Tier 3), so it is Tier 3 in {context.DestinationCountry} too: licence required, {policy.Value}",
                    citation.Citation,
                    citation.Confidence));
        }
    }
}
