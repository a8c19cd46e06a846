namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// From 2026-01-15 (91 FR 1684), licence applications for China or Macau are reviewed case by case, with conditions,
/// instead of under a presumption of denial, for chips below both the TPP and the total DRAM bandwidth thresholds,
/// exported from the United States. Applies where China/Macau is the destination, or the consignee's Tier 3
/// headquarters when it is abroad outside D:5.
/// </summary>
public sealed class ChinaMacauCaseByCaseRule : IDecisionRule
{
    /// <inheritdoc/>
    public string Id => "china_macau_case_by_case";

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        var band = context.Rules.CaseByCase;
        if (band is null || context.AsOf < band.EffectiveFrom.Value)
        {
            return;
        }

        var (country, source) = BandCountry(context, band);
        if (country.Length == 0)
        {
            return;
        }

        var fromOrigin = band.OriginCountries.Value.Contains(context.OriginCountry, StringComparer.Ordinal);
        foreach (var item in context.Items.Where(i => i.IsAdvancedComputing))
        {
            var tppInside = (decimal)item.MaxChipTpp < band.TppBelow.Value;
            var bandwidthKnown = item.MaxChipDramBandwidthGbPerS > 0;
            var bandwidthInside = bandwidthKnown && (decimal)item.MaxChipDramBandwidthGbPerS < band.DramBandwidthBelowGbPerS.Value;
            if (tppInside && bandwidthInside && fromOrigin)
            {
                findings.ChangePolicy(
                    item,
                    new PolicyChange(source, Outcome.LicenseRequired, band.ReviewPolicy.Value),
                    new Reason(
                        "CASE_BY_CASE.BAND",
                        $"items[{item.Index}] {item.Description}: chip TPP {item.MaxChipTpp:0.##} < {band.TppBelow.Value:0.##} and DRAM bandwidth {item.MaxChipDramBandwidthGbPerS:0.##} GB/s < {band.DramBandwidthBelowGbPerS.Value:0.##} GB/s, exported from {context.OriginCountry}, for {country}: {band.ReviewPolicy.Value}",
                        band.ReviewPolicy.Citation,
                        band.ReviewPolicy.Confidence));
                continue;
            }

            var why = !tppInside ? $"chip TPP {item.MaxChipTpp:0.##} is not below {band.TppBelow.Value:0.##}"
                : !bandwidthKnown ? "the chip's total DRAM bandwidth is unknown"
                : !bandwidthInside ? $"DRAM bandwidth {item.MaxChipDramBandwidthGbPerS:0.##} GB/s is not below {band.DramBandwidthBelowGbPerS.Value:0.##} GB/s"
                : $"exported from {context.OriginCountry}, not from {string.Join("/", band.OriginCountries.Value)}";
            findings.Add(new Reason(
                "CASE_BY_CASE.OUTSIDE_BAND",
                $"items[{item.Index}] {item.Description}: outside the {country} case-by-case band: {why}",
                band.TppBelow.Citation,
                band.TppBelow.Confidence));
        }
    }

    private static (string Country, string Source) BandCountry(DecisionContext context, CaseByCaseBand band)
    {
        if (context.DestinationIsTier3)
        {
            return band.Countries.Value.Contains(context.DestinationCountry, StringComparer.Ordinal)
                ? (context.DestinationCountry, Tier3DestinationRule.RuleId)
                : ("", "");
        }

        var headquarters = context.Consignee.Tier3HeadquartersCountry;
        return context.ConsigneeIsTier3Headquartered && band.Countries.Value.Contains(headquarters, StringComparer.Ordinal)
            ? (headquarters, Tier3HeadquartersRule.RuleId)
            : ("", "");
    }
}
