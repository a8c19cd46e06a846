namespace Diffusion.Rules.Classification.Rules;

/// <summary>
/// Reports the figures every other chip rule compares: TPP per bit length (the highest counts) and performance
/// density, citing their definitions (15 CFR 774 Supp. 1, 3A090 Technical Notes).
/// </summary>
public sealed class MeasurementRule : IClassificationRule<ChipClassificationContext>
{
    /// <inheritdoc />
    public string Id => "3A090.TN";

    /// <inheritdoc />
    public void Evaluate(ChipClassificationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tpp = context.Tpp;
        var perBits = string.Join(", ", tpp.PerBitLength.Select(kv => $"{kv.Key}-bit {ClassificationContext.Format(kv.Value)}"));
        context.Add(context.Rules.Definitions.Tpp.Reason("TPP",
            $"TPP {ClassificationContext.Format(tpp.Tpp)} (highest over bit lengths, at {tpp.BitLength}-bit; {perBits})"));
        context.Add(context.PerformanceDensity is { } pd
            ? context.Rules.Definitions.PerformanceDensity.Reason("PD",
                $"PD {ClassificationContext.Format(pd)} = TPP {ClassificationContext.Format(tpp.Tpp)} / {ClassificationContext.Format(context.Chip.ApplicableDieAreaMm2!.Value)} mm2")
            : new Reason("PD.UNKNOWN", "PD unknown: no applicable die area given",
                context.Rules.Definitions.PerformanceDensity.Citation, Confidence.Unverified));
    }
}
