namespace Diffusion.Rules.Classification;

/// <summary>
/// Total processing performance (15 CFR 774 Supp. 1, 3A090 Technical Notes): for each bit length,
/// the sum over processing units of dense TOPS x bit length, where one unit listing several formats at the same bit
/// length (INT8 and FP8) counts its highest rate once; the chip's TPP is the highest over bit lengths.
/// Exact decimal arithmetic (overflow throws).
/// </summary>
/// <param name="Tpp">The chip's TPP: the highest <see cref="PerBitLength"/> value.</param>
/// <param name="BitLength">The bit length that gives <see cref="Tpp"/> (the lowest, when several tie).</param>
/// <param name="PerBitLength">TPP computed at each bit length the chip supports, by bit length ascending.</param>
public sealed record TotalProcessingPerformance(decimal Tpp, int BitLength, IReadOnlyList<KeyValuePair<int, decimal>> PerBitLength)
{
    /// <summary>Computes TPP from a chip's rates.</summary>
    public static TotalProcessingPerformance Of(IReadOnlyList<ComputeRate> rates)
    {
        ArgumentNullException.ThrowIfNull(rates);
        if (rates.Count == 0)
        {
            throw new ArgumentException("at least one rate is needed", nameof(rates));
        }

        var perBitLength = rates
            .GroupBy(r => r.BitLength)
            .Select(byBits => KeyValuePair.Create(
                byBits.Key,
                byBits.GroupBy(r => r.Unit, StringComparer.Ordinal).Sum(unit => unit.Max(r => r.DenseTops)) * byBits.Key))
            .OrderBy(kv => kv.Key)
            .ToList();
        var best = perBitLength.Aggregate((a, b) => b.Value > a.Value ? b : a);
        return new TotalProcessingPerformance(best.Value, best.Key, perBitLength);
    }
}
