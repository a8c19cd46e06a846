namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// High-bandwidth memory (3A090.c, 89 FR 96790): licence required for D:5 and Macau; License Exception HBM
/// (15 CFR 740.25) covers parts the classification found eligible (bandwidth density below the exception's limit).
/// Elsewhere 3A090.c needs no licence under these rules.
/// </summary>
public sealed class HighBandwidthMemoryRule : IDecisionRule
{
    /// <inheritdoc/>
    public string Id => "license_exception_hbm";

    /// <summary>The entry citing which destinations 3A090.c needs a licence for.</summary>
    public const string DestinationsKey = "hbm_destinations";

    /// <inheritdoc/>
    public IReadOnlyList<string> CitationKeys => [Id, DestinationsKey];

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        var rule = context.Rules.Cite(Id);
        var destinations = context.Rules.Cite(DestinationsKey);
        foreach (var item in context.Items.Where(i => i.IsHighBandwidthMemory))
        {
            if (!context.DestinationIsTier3)
            {
                findings.Add(destinations.Reason(
                    "HBM.OUTSIDE_TIER3",
                    $"items[{item.Index}] {item.Description} (3A090.c) to {context.DestinationCountry}: licence required only for D:5 and Macau; no licence required"));
                continue;
            }

            if (!item.LicenseExceptions.Contains("HBM"))
            {
                findings.Add(DecisionReasons.ExceptionNotListed(item, "HBM", rule));
                continue;
            }

            findings.Authorize(
                item,
                new Authorization("HBM", DrawMechanism.None),
                rule.Reason(
                    "HBM.EXCEPTION",
                    $"items[{item.Index}] {item.Description} to {context.DestinationCountry}: License Exception HBM"));
        }
    }
}
