namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// A consignee that is an active Validated End User, authorised for the destination and within its limits, receives
/// advanced-computing items under its VEU authorisation (15 CFR 748.15; Supp. 10 to part 748): a UVEU draws no
/// allocation, an NVEU draws its per-country bucket; neither counts against the country allocation.
/// </summary>
public sealed class ValidatedEndUserRule : IDecisionRule
{
    /// <inheritdoc/>
    public string Id => "validated_end_users";

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        var veu = context.Veu;
        if (veu is null)
        {
            return;
        }

        foreach (var reason in veu.Reasons)
        {
            findings.Add(reason);
        }

        var rule = context.Rules.Cite(Id);
        var failure = Failure(context, veu);
        if (failure is not null)
        {
            findings.Add(rule.Reason("VEU.NOT_APPLICABLE", $"VEU {veu.Id}: {failure}; the export is decided as for any other consignee"));
            return;
        }

        var national = veu.Kind == VeuKind.National;
        var draw = national ? DrawMechanism.NationalVeu : DrawMechanism.None;
        var drawText = national
            ? $"{context.Rules.NveuBucketId(veu.Id, context.DestinationCountry)} drawn, not the country allocation"
            : "no allocation drawn";
        foreach (var item in context.Items.Where(i => i.IsAdvancedComputing))
        {
            findings.Authorize(
                item,
                new Authorization("VEU", draw),
                rule.Reason(
                    national ? "VEU.NVEU" : "VEU.UVEU",
                    $"items[{item.Index}] {item.Description}: {(national ? "National" : "Universal")} VEU {veu.Id} authorised in {context.DestinationCountry} and within its limits; {drawText}"));
        }
    }

    private static string? Failure(DecisionContext context, VeuFinding veu)
    {
        if (veu.Kind is null)
        {
            return "not a known Validated End User";
        }

        if (context.DestinationIsTier3)
        {
            return $"VEU authorisations do not cover D:5/Macau ({context.DestinationCountry})";
        }

        if (context.ConsigneeIsTier3Headquartered)
        {
            return "the consignee is headquartered in Tier 3";
        }

        if (!veu.Active)
        {
            return "not active on the as-of date";
        }

        if (!veu.AuthorizedForDestination)
        {
            return $"not authorised in {context.DestinationCountry}";
        }

        if (!veu.WithinLimits)
        {
            return "this export would take it past its limits";
        }

        return veu.Kind == VeuKind.National && context.Allocations.NveuExhausted
            ? $"{context.Rules.NveuBucketId(veu.Id, context.DestinationCountry)} cannot cover this order"
            : null;
    }
}
