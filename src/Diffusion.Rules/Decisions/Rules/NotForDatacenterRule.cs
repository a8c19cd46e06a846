namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// Chips not designed or marketed for datacenters that still reach 3A090 (TPP at or above 4800) are eligible for
/// License Exception NAC (D:5 and Macau, and entities headquartered there: with advance notification) or ACA
/// (every other licence destination, no notification): 15 CFR 740.8 as split by the 2024 corrections.
/// </summary>
public sealed class NotForDatacenterRule : IDecisionRule
{
    /// <inheritdoc/>
    public string Id => "license_exceptions_nac_aca";

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        var tier3 = context.DestinationIsTier3 || context.ConsigneeIsTier3Headquartered;
        var exception = tier3 ? "NAC" : "ACA";
        var rule = context.Rules.Cite(Id);
        foreach (var item in context.Items.Where(i => i.IsAdvancedComputing && !i.Datacenter))
        {
            if (!item.LicenseExceptions.Contains(exception))
            {
                findings.Add(DecisionReasons.ExceptionNotListed(item, exception, rule));
                continue;
            }

            var notification = tier3 ? " after notifying BIS" : "";
            findings.Authorize(
                item,
                new Authorization(exception, DrawMechanism.None),
                rule.Reason(
                    $"{exception}.NOT_FOR_DATACENTER",
                    $"items[{item.Index}] {item.Description}: not designed or marketed for datacenters: License Exception {exception}{notification}, no allocation drawn"));
        }
    }
}
