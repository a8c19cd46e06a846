namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// License Exception LPP (15 CFR 740.29): advanced-computing items to a Tier 2 destination, for a consignee not
/// headquartered in D:5/Macau, within the consignee's calendar-year cap. The whole order's TPP counts against the
/// consignee's LPP bucket, not the country allocation; an order that exceeds what remains of the cap is not LPP.
/// </summary>
public sealed class LowProcessingPerformanceRule : IDecisionRule
{
    /// <inheritdoc/>
    public string Id => "license_exception_lpp";

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        if (!context.Framework.Value || context.DestinationTier != 2 || context.ConsigneeIsTier3Headquartered)
        {
            return;
        }

        var advanced = context.Items.Where(i => i.IsAdvancedComputing).ToList();
        if (advanced.Count == 0)
        {
            return;
        }

        var bucket = context.Rules.LppBucketId(context.Consignee.Id, context.AsOf.Year);
        var rule = context.Rules.Cite(Id);
        var confidence = ConfidenceTags.Weakest(rule.Confidence, context.Rules.LppBucket.Confidence);
        if (context.Allocations.LppExhausted)
        {
            var orderTpp = advanced.Aggregate(0L, (sum, i) => checked(sum + i.WholeTpp));
            findings.Add(new Reason(
                "LPP.ANNUAL_CAP",
                $"the order's {orderTpp} TPP exceeds what remains of {bucket}: License Exception LPP is not available",
                rule.Citation,
                confidence));
            return;
        }

        foreach (var item in advanced)
        {
            if (!item.LicenseExceptions.Contains("LPP"))
            {
                findings.Add(DecisionReasons.ExceptionNotListed(item, "LPP", rule));
                continue;
            }

            findings.Authorize(
                item,
                new Authorization("LPP", DrawMechanism.LowProcessingPerformance),
                new Reason(
                    "LPP.AVAILABLE",
                    $"items[{item.Index}] {item.Description}: License Exception LPP to {context.DestinationCountry} (Tier 2), {item.WholeTpp} TPP drawn from {bucket}, not from the country allocation",
                    rule.Citation,
                    confidence));
        }
    }
}
