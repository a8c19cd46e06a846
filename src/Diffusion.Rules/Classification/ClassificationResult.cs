namespace Diffusion.Rules.Classification;

/// <summary>The classification of one chip or memory part under ECCN 3A090, with every finding behind it.</summary>
public sealed record ClassificationResult
{
    /// <summary>"3A090.a", "3A090.b", "3A090.c", or "" (outside 3A090).</summary>
    public required string Eccn { get; init; }

    /// <summary>The paragraph matched, e.g. "3A090.a.2"; "" when outside 3A090.</summary>
    public required string Paragraph { get; init; }

    /// <summary>The item's name.</summary>
    public required string ItemName { get; init; }

    /// <summary>TPP (chips; 0 for memory).</summary>
    public decimal Tpp { get; init; }

    /// <summary>The TPP computation (chips only).</summary>
    public TotalProcessingPerformance? TppDetail { get; init; }

    /// <summary>Performance density, TPP per mm2; null for memory or when the die area is unknown.</summary>
    public decimal? PerformanceDensity { get; init; }

    /// <summary>TPP in units of one NVIDIA H100's TPP.</summary>
    public decimal H100Equivalents { get; init; }

    /// <summary>Whether the chip was treated as designed or marketed for datacenters (true for memory).</summary>
    public bool Datacenter { get; init; } = true;

    /// <summary>Memory bandwidth density, GB/s per mm2 (memory only).</summary>
    public decimal? MemoryBandwidthDensity { get; init; }

    /// <summary>Licence exceptions the item is eligible for, e.g. "NAC", "ACA", "LPP", "AIA", "HBM" (no duplicates).</summary>
    public required IReadOnlyList<string> LicenseExceptions { get; init; }

    /// <summary>Every finding, in the order the rules ran.</summary>
    public required IReadOnlyList<Reason> Reasons { get; init; }

    /// <summary>TPP rounded up to a whole number, as allocations count it.</summary>
    public long WholeTpp => checked((long)decimal.Ceiling(Tpp));
}
