namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// License Exception AIA (15 CFR 740.27): advanced-computing items to Tier 1 destinations, for consignees not
/// headquartered (nor with an ultimate parent) in D:5/Macau.
/// </summary>
public sealed class ArtificialIntelligenceAuthorizationRule : IDecisionRule
{
    /// <inheritdoc/>
    public string Id => "license_exception_aia";

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        var framework = context.Framework;
        if (!framework.Value || context.DestinationTier != 1 || context.ConsigneeIsTier3Headquartered)
        {
            return;
        }

        var rule = context.Rules.Cite(Id);
        foreach (var item in context.Items.Where(i => i.IsAdvancedComputing))
        {
            if (!item.LicenseExceptions.Contains("AIA"))
            {
                findings.Add(DecisionReasons.ExceptionNotListed(item, "AIA", rule));
                continue;
            }

            findings.Authorize(
                item,
                new Authorization("AIA", DrawMechanism.None),
                new Reason(
                    "AIA.TIER1",
                    $"items[{item.Index}] {item.Description} to {context.DestinationCountry} (Tier 1): License Exception AIA, no allocation drawn",
                    rule.Citation,
                    ConfidenceTags.Weakest(rule.Confidence, framework.Confidence)));
        }
    }
}
