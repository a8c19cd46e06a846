namespace Diffusion.Rules.Decisions;

/// <summary>The kind of an order line.</summary>
public enum ItemKind
{
    /// <summary>An integrated circuit, by spec or catalogue name.</summary>
    Chip = 1,

    /// <summary>A memory part tested under 3A090.c.</summary>
    Memory = 2,

    /// <summary>A server, board or other assembly; 4A090 and the .z paragraphs follow the chips inside.</summary>
    Assembly = 3,

    /// <summary>The weights of an AI model (4E091).</summary>
    ModelWeights = 4,
}

/// <summary>One order line after classification.</summary>
/// <param name="Index">Position in the order, from 0.</param>
/// <param name="Description">The item's name, for reasons.</param>
/// <param name="Kind">Chip, memory, assembly or model weights.</param>
/// <param name="Eccn">"3A090.a", "3A090.b", "3A090.c", "4A090.a", "4A090.b", "4E091" or "" (outside these entries).</param>
/// <param name="Paragraph">The paragraph matched, e.g. "3A090.a.2".</param>
/// <param name="TppEach">Total processing performance of one unit (for an assembly: of all chips inside).</param>
/// <param name="Quantity">Units ordered, at least 1.</param>
/// <param name="Datacenter">Designed or marketed for datacenters (for an assembly: any chip inside is).</param>
/// <param name="LicenseExceptions">Licence exceptions the classification found the item eligible for (e.g. NAC, ACA, LPP, AIA, HBM).</param>
/// <param name="MaxChipTpp">The highest TPP of one chip in the item (the 2026 China/Macau band tests chips, not servers).</param>
/// <param name="MaxChipDramBandwidthGbPerS">The highest total DRAM bandwidth of one chip in the item, GB/s; 0 when unknown.</param>
/// <param name="ModelWeights">For model weights: what ModelWeights found.</param>
/// <param name="H100EquivalentsEach">One unit in H100s, as the classification found it.</param>
public sealed record ClassifiedItem(
    int Index,
    string Description,
    ItemKind Kind,
    string Eccn,
    string Paragraph,
    double TppEach,
    uint Quantity,
    bool Datacenter,
    IReadOnlySet<string> LicenseExceptions,
    double MaxChipTpp = 0,
    double MaxChipDramBandwidthGbPerS = 0,
    ModelWeightsFinding? ModelWeights = null,
    double H100EquivalentsEach = 0)
{
    /// <summary>Validates what the rules rely on.</summary>
    public ClassifiedItem Validate()
    {
        if (Index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Index), Index, "must not be negative");
        }

        if (Quantity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Quantity), Quantity, "must be at least 1");
        }

        if (!double.IsFinite(TppEach) || TppEach < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TppEach), TppEach, "must be finite and not negative");
        }

        if (Kind == ItemKind.ModelWeights && ModelWeights is null)
        {
            throw new ArgumentException("model weights need the ModelWeights evaluation", nameof(ModelWeights));
        }

        return this;
    }

    /// <summary>3A090.a/.b chips and the 4A090.a/.b items that contain them.</summary>
    public bool IsAdvancedComputing => Eccn.StartsWith("3A090.a", StringComparison.Ordinal)
        || Eccn.StartsWith("3A090.b", StringComparison.Ordinal)
        || Eccn.StartsWith("4A090", StringComparison.Ordinal);

    /// <summary>High-bandwidth memory under 3A090.c.</summary>
    public bool IsHighBandwidthMemory => Eccn.StartsWith("3A090.c", StringComparison.Ordinal);

    /// <summary>The whole TPP of the line, chip TPP x quantity rounded UP (15 CFR 740.29 counts whole TPP).</summary>
    public long WholeTpp => checked((long)Math.Ceiling((decimal)TppEach * Quantity));
}

/// <summary>What ModelWeights found for one export of model weights (ECCN 4E091).</summary>
public sealed record ModelWeightsFinding(
    bool Controlled,
    string Eccn,
    bool LicenseRequired,
    string LicenseException,
    string ReviewPolicy,
    IReadOnlyList<Reason> Reasons);
