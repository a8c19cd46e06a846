namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// From 2026-01-15 (91 FR 1684), licence applications for China or Macau are reviewed case by case, with conditions,
/// instead of under a presumption of denial, for chips below both the TPP and the total DRAM bandwidth thresholds,
/// exported from the United States. Applies where China/Macau is the destination, or the consignee's Tier 3
/// headquarters when it is abroad outside D:5. The decision lists what the exporter must certify; one certification,
/// China/Macau shipments of the product at most 50 % of the exporter's US shipments of it, is counted: a licensed export
/// draws the exporter's China share bucket, and when that cannot cover the order the band's conditions cannot be met
/// and the Tier 3 policy (presumption of denial) stays.
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
        var inBand = false;
        foreach (var item in context.Items.Where(i => i.IsAdvancedComputing))
        {
            var tppInside = (decimal)item.MaxChipTpp < band.TppBelow.Value;
            var bandwidthKnown = item.MaxChipDramBandwidthGbPerS > 0;
            var bandwidthInside = bandwidthKnown && (decimal)item.MaxChipDramBandwidthGbPerS < band.DramBandwidthBelowGbPerS.Value;
            if (tppInside && bandwidthInside && fromOrigin)
            {
                inBand = true;
                var share = context.Allocations.ChinaShareUnrecorded ? null : Quotas.BucketId.ForChinaShare(context.Exporter, item.Description);
                if (share is not null && context.Allocations.ChinaShareExhausted)
                {
                    findings.Add(band.ShareOfUsShipmentsPercent.Reason(
                        "CASE_BY_CASE.SHARE_EXCEEDED",
                        $"items[{item.Index}] {item.Description}: {share} cannot cover {band.ShareDraw(item.WholeTpp)} more: China/Macau shipments would pass {band.ShareOfUsShipmentsPercent.Value:0.##} % of what {context.Exporter} has shipped of the product to US end users, so the band's certification cannot be made; the Tier 3 policy stays"));
                    continue;
                }

                findings.ChangePolicy(
                    item,
                    new PolicyChange(source, Outcome.LicenseRequired, band.ReviewPolicy.Value, share is null ? null : DrawMechanism.ChinaShare),
                    new Reason(
                        "CASE_BY_CASE.BAND",
                        $"items[{item.Index}] {item.Description}: chip TPP {item.MaxChipTpp:0.##} < {band.TppBelow.Value:0.##} and DRAM bandwidth {item.MaxChipDramBandwidthGbPerS:0.##} GB/s < {band.DramBandwidthBelowGbPerS.Value:0.##} GB/s, exported from {context.OriginCountry}, for {country}: {band.ReviewPolicy.Value}",
                        band.ReviewPolicy.Citation,
                        band.ReviewPolicy.Confidence));
                findings.Add(ShareReason(context, band, item, share));
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

        if (inBand)
        {
            foreach (var certification in band.Certifications)
            {
                findings.Add(certification.Reason("CASE_BY_CASE.CERTIFICATION", $"the exporter must certify: {certification.Value}"));
            }
        }
    }

    // How the 50 % share is counted for one line: drawn from the exporter's bucket, or not counted (no exporter named,
    // or its US shipments of the product not recorded), when the exporter's certification alone stands for it.
    private static Reason ShareReason(DecisionContext context, CaseByCaseBand band, ClassifiedItem item, string? share)
    {
        var percent = band.ShareOfUsShipmentsPercent;
        var limit = $"at most {percent.Value:0.##} % of the exporter's US shipments of the product";
        if (share is not null)
        {
            return percent.Reason(
                "CASE_BY_CASE.SHARE",
                $"items[{item.Index}] {item.Description}: a licensed export draws {band.ShareDraw(item.WholeTpp)} from {share} (its {item.WholeTpp} TPP / {percent.Value:0.##} %), whose cap is the TPP of the product {context.Exporter} has shipped to US end users");
        }

        return context.Exporter.Length == 0 || !context.Allocations.ChinaShareUnrecorded
            ? percent.Reason("CASE_BY_CASE.SHARE_NOT_COUNTED", $"items[{item.Index}] {item.Description}: the order names no exporter, so its China/Macau share ({limit}) is not counted; the exporter must still certify it")
            : percent.Reason("CASE_BY_CASE.SHARE_NOT_RECORDED", $"items[{item.Index}] {item.Description}: no US shipments of the product by {context.Exporter} are recorded ('diffusion quota us-shipments'), so its China/Macau share ({limit}) is not counted; the exporter must still certify it");
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
