using System.Globalization;

namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// A granted licence authorises the exports within its terms: the parties it names, its destination, the items it
/// covers, the dates it is valid, and the quantity it allows (15 CFR 750.7). Each licence that bears on the order is
/// either found to cover lines (used where a line needs a licence, drawing its bucket <c>licence/&lt;number&gt;</c>) or
/// named with why it does not: another exporter, consignee or destination, not yet valid, expired, or too little left.
/// </summary>
public sealed class GrantedLicenceRule : IDecisionRule
{
    /// <inheritdoc/>
    public string Id => "granted_licence";

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        if (context.Licences.Count == 0)
        {
            return;
        }

        var rule = context.Rules.Cite(Id);
        var usable = new List<GrantedLicence>();

        // Soonest to expire first: of two licences that cover a line, the one that would lapse first is used.
        foreach (var licence in context.Licences.OrderBy(l => l.ValidUntil).ThenBy(l => l.Number, StringComparer.Ordinal))
        {
            if (Problem(context, licence) is { } problem)
            {
                findings.Add(rule.Reason(problem.Code, $"licence {licence.Number}: {problem.Text}; it does not authorise this order"));
            }
            else
            {
                usable.Add(licence);
            }
        }

        foreach (var item in context.Items.Where(i => i.Eccn.Length > 0))
        {
            var covering = usable.Find(l => l.Covers(item));
            if (covering is null)
            {
                if (usable.Count > 0)
                {
                    findings.Add(rule.Reason(
                        "LICENCE.NOT_COVERED",
                        $"items[{item.Index}] {item.Description} ({item.Eccn}): not among what licence {string.Join(", ", usable.Select(l => $"{l.Number} ({Scope(l)})"))} covers"));
                }

                continue;
            }

            findings.License(item, covering, rule.Reason(
                "LICENCE.COVERS",
                $"items[{item.Index}] {item.Description} ({item.Eccn}): where it needs a licence, licence {covering.Number} covers it " +
                $"({covering.Exporter} to {covering.ConsigneeId} in {covering.DestinationCountry}, valid {Day(covering.ValidFrom)} to {Day(covering.ValidUntil)}); " +
                $"a shipment under it draws {covering.Draw(item).ToString("#,0", CultureInfo.InvariantCulture)} {(covering.Unit == LicenceUnit.Units ? "units" : "TPP")} from {covering.BucketId}"));
        }
    }

    private static (string Code, string Text)? Problem(DecisionContext context, GrantedLicence licence)
    {
        if (!licence.Exporter.Equals(context.Exporter, StringComparison.OrdinalIgnoreCase))
        {
            return ("LICENCE.WRONG_EXPORTER", $"held by {licence.Exporter}, not by {(context.Exporter.Length > 0 ? context.Exporter : "the order's exporter (none named)")}");
        }

        if (!licence.ConsigneeId.Equals(context.Consignee.Id, StringComparison.Ordinal))
        {
            return ("LICENCE.WRONG_CONSIGNEE", $"granted for consignee {licence.ConsigneeId}, not {context.Consignee.Id}");
        }

        if (!licence.DestinationCountry.Equals(context.DestinationCountry, StringComparison.Ordinal))
        {
            return ("LICENCE.WRONG_DESTINATION", $"granted for {licence.DestinationCountry}, not {context.DestinationCountry}");
        }

        if (context.AsOf < licence.ValidFrom)
        {
            return ("LICENCE.NOT_YET_VALID", $"valid from {Day(licence.ValidFrom)}, after the order's day {Day(context.AsOf)}");
        }

        if (context.AsOf >= licence.ValidUntil)
        {
            return ("LICENCE.EXPIRED", $"expired on {Day(licence.ValidUntil)} (valid {Day(licence.ValidFrom)} to {Day(licence.ValidUntil)}), before the order's day {Day(context.AsOf)}");
        }

        return context.Allocations.ExhaustedLicences.Contains(licence.Number)
            ? ("LICENCE.EXHAUSTED", $"{licence.BucketId} cannot cover this order: too little of its quantity remains (or its quantity was never set at Quota)")
            : null;
    }

    private static string Scope(GrantedLicence licence) => string.Join(", ", licence.Eccns.Concat(licence.Items));

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
