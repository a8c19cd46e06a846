namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// No licence for advanced computing items (3A090.a/.b, 4A090.a/.b, .z) to a consignee on the approved list on the
/// order's day: the UAE Government, G42 and Core42 until 2027-04-06, UAE subsidiaries of listed US-headquartered AI
/// companies (91 FR 43034, effective 2026-07-10). The D:5/Macau headquarters rule applies first: a consignee
/// headquartered there (or whose ultimate parent is) gets no such basis.
/// </summary>
public sealed class ApprovedConsigneeRule : IDecisionRule
{
    /// <inheritdoc/>
    public string Id => "approved_consignees";

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        var entries = context.ApprovedConsignees.Matching(context.DestinationCountry, context.Consignee.Id, context.Consignee);
        var advanced = context.Items.Where(i => i.IsAdvancedComputing).ToList();
        if (entries.Count == 0 || advanced.Count == 0)
        {
            return;
        }

        if (entries.FirstOrDefault(e => e.Covers(context.AsOf)) is not { } entry)
        {
            var lapsed = entries[0];
            findings.Add(new Reason(
                "APPROVED_CONSIGNEE.NOT_IN_FORCE",
                $"{lapsed.Name} is approved in {lapsed.Country} only for {lapsed.Period}, not on {context.AsOf:yyyy-MM-dd}: a licence is needed as for any consignee there",
                lapsed.Citation,
                lapsed.Confidence));
            return;
        }

        if (context.ConsigneeIsTier3Headquartered)
        {
            findings.Add(new Reason(
                "APPROVED_CONSIGNEE.HEADQUARTERS_RULE_FIRST",
                $"{entry.Name} is approved in {entry.Country}, but the consignee is headquartered (or its ultimate parent is) in {context.Consignee.Tier3HeadquartersCountry}: the D:5/Macau headquarters rule applies first",
                context.Rules.HeadquartersRule.Citation,
                context.Rules.HeadquartersRule.Confidence));
            return;
        }

        var basis = $"approved consignee {entry.Name} in {entry.Country} ({entry.Citation})";
        foreach (var item in advanced)
        {
            findings.Authorize(
                item,
                new Authorization("APPROVED", DrawMechanism.None, basis),
                new Reason(
                    "APPROVED_CONSIGNEE",
                    $"items[{item.Index}] {item.Description} ({item.Eccn}): no licence required for {entry.Name} ({entry.Match}) in {entry.Country} on {context.AsOf:yyyy-MM-dd}, approved {entry.Period}; no allocation drawn",
                    entry.Citation,
                    entry.Confidence));
        }
    }
}
