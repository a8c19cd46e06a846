namespace Diffusion.Rules.Classification;

/// <summary>
/// One dense compute rate of one processing unit.
/// </summary>
/// <remarks>
/// Figures are <see cref="decimal"/>: callers holding doubles convert with <c>(decimal)x</c>, which keeps 15
/// significant digits (more than any datasheet has) and so drops binary noise; from there TPP and performance density
/// are exact decimal arithmetic and thresholds compare exactly: 300 TFLOPS x 16 is TPP 4800, at the 3A090.a.1
/// threshold, and 5920 / 1000 is PD 5.92, at the 3A090.a.2 threshold.
/// </remarks>
public sealed record ComputeRate
{
    /// <summary>Creates a rate.</summary>
    /// <param name="bitLength">The largest input bit length of the multiply (8 for INT8/FP8); at least 1.</param>
    /// <param name="denseTops">Dense TOPS or TFLOPS (2 x MacTOPS; never a sparsity figure); at least 0.</param>
    /// <param name="unit">The processing unit (e.g. "tensor"); empty for the chip's single unit.</param>
    /// <param name="format">The number format, informational (e.g. "FP8").</param>
    public ComputeRate(int bitLength, decimal denseTops, string unit = "", string format = "")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bitLength, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(denseTops);
        BitLength = bitLength;
        DenseTops = denseTops;
        Unit = unit ?? "";
        Format = format ?? "";
    }

    /// <summary>The largest input bit length of the multiply.</summary>
    public int BitLength { get; }

    /// <summary>Dense TOPS (2 x MacTOPS).</summary>
    public decimal DenseTops { get; }

    /// <summary>The processing unit; empty for the chip's single unit.</summary>
    public string Unit { get; }

    /// <summary>The number format, informational.</summary>
    public string Format { get; }
}

/// <summary>An integrated circuit described by its datasheet figures.</summary>
public sealed record ChipSpec
{
    /// <summary>Creates a chip description.</summary>
    /// <param name="name">A name for messages.</param>
    /// <param name="rates">Dense rates per unit and bit length; at least one.</param>
    /// <param name="applicableDieAreaMm2">
    /// Area of all logic dies on a non-planar process, mm2 (&gt; 0); null when unknown (then bands that need the
    /// performance density cannot be decided and say so).
    /// </param>
    /// <param name="datacenter">Designed or marketed for datacenters.</param>
    /// <param name="totalDramBandwidthGbPerS">Total DRAM bandwidth, GB/s; null when unknown.</param>
    public ChipSpec(string name, IReadOnlyList<ComputeRate> rates, decimal? applicableDieAreaMm2, bool datacenter = true,
        decimal? totalDramBandwidthGbPerS = null)
    {
        ArgumentNullException.ThrowIfNull(rates);
        if (rates.Count == 0)
        {
            throw new ArgumentException("a chip needs at least one compute rate", nameof(rates));
        }

        if (applicableDieAreaMm2 is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(applicableDieAreaMm2), applicableDieAreaMm2, "must be > 0");
        }

        if (totalDramBandwidthGbPerS is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(totalDramBandwidthGbPerS), totalDramBandwidthGbPerS, "must be >= 0");
        }

        Name = name ?? "";
        Rates = [.. rates];
        ApplicableDieAreaMm2 = applicableDieAreaMm2;
        Datacenter = datacenter;
        TotalDramBandwidthGbPerS = totalDramBandwidthGbPerS;
    }

    /// <summary>A name for messages.</summary>
    public string Name { get; }

    /// <summary>Dense rates per unit and bit length.</summary>
    public IReadOnlyList<ComputeRate> Rates { get; }

    /// <summary>Applicable die area, mm2; null when unknown.</summary>
    public decimal? ApplicableDieAreaMm2 { get; }

    /// <summary>Designed or marketed for datacenters.</summary>
    public bool Datacenter { get; }

    /// <summary>Total DRAM bandwidth, GB/s; null when unknown.</summary>
    public decimal? TotalDramBandwidthGbPerS { get; }
}

/// <summary>A memory part (HBM stack or package), tested under 3A090.c.</summary>
public sealed record MemorySpec
{
    /// <summary>Creates a memory description.</summary>
    /// <param name="name">A name for messages.</param>
    /// <param name="bandwidthGbPerS">Memory bandwidth, GB/s (&gt;= 0).</param>
    /// <param name="packageAreaMm2">Package or stack area, mm2 (&gt; 0).</param>
    public MemorySpec(string name, decimal bandwidthGbPerS, decimal packageAreaMm2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bandwidthGbPerS);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(packageAreaMm2);
        Name = name ?? "";
        BandwidthGbPerS = bandwidthGbPerS;
        PackageAreaMm2 = packageAreaMm2;
    }

    /// <summary>A name for messages.</summary>
    public string Name { get; }

    /// <summary>Memory bandwidth, GB/s.</summary>
    public decimal BandwidthGbPerS { get; }

    /// <summary>Package or stack area, mm2.</summary>
    public decimal PackageAreaMm2 { get; }

    /// <summary>Bandwidth density, GB/s per mm2.</summary>
    public decimal BandwidthDensity => BandwidthGbPerS / PackageAreaMm2;
}
