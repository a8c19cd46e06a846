namespace Diffusion.Rules.Decisions;

/// <summary>What the classification found for one unit of a chip, memory part or assembly.</summary>
/// <param name="Description">The item's name.</param>
/// <param name="Kind">Chip, memory or assembly.</param>
/// <param name="Eccn">"3A090.a", "3A090.b", "3A090.c", "4A090.a", "4A090.b" or "".</param>
/// <param name="Paragraph">The paragraph matched.</param>
/// <param name="TppEach">TPP of one unit (0 for memory).</param>
/// <param name="H100EquivalentsEach">One unit in H100s.</param>
/// <param name="Datacenter">Designed or marketed for datacenters.</param>
/// <param name="LicenseExceptions">Exceptions the unit is eligible for.</param>
/// <param name="MaxChipTpp">The highest TPP of one chip in the unit.</param>
/// <param name="MaxChipDramBandwidthGbPerS">The highest total DRAM bandwidth of one chip in the unit; 0 when unknown.</param>
public sealed record ItemClassification(
    string Description,
    ItemKind Kind,
    string Eccn,
    string Paragraph,
    double TppEach,
    double H100EquivalentsEach,
    bool Datacenter,
    IReadOnlySet<string> LicenseExceptions,
    double MaxChipTpp,
    double MaxChipDramBandwidthGbPerS)
{
    /// <summary>
    /// A computer, assembly or component follows the chips inside it (4A090 and the .z paragraphs, 15 CFR 774 Supp. 1):
    /// 4A090.a if any chip is 3A090.a, else 4A090.b if any is 3A090.b, else outside; its TPP is the chips' summed;
    /// it is for datacenters if any controlled chip is; an exception is available only if every controlled chip is
    /// eligible for it; the 2026 band tests its strongest chip, and unknown bandwidth of any controlled chip counts as unknown.
    /// </summary>
    public static ItemClassification OfAssembly(string name, IReadOnlyList<(ItemClassification Chip, uint Count)> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var controlled = parts.Where(p => p.Chip.Eccn.Length > 0).ToList();
        var eccn = controlled.Any(p => p.Chip.Eccn.StartsWith("3A090.a", StringComparison.Ordinal)) ? "4A090.a"
            : controlled.Any(p => p.Chip.Eccn.StartsWith("3A090.b", StringComparison.Ordinal)) ? "4A090.b"
            : "";
        var exceptions = new HashSet<string>(controlled.Count == 0 ? [] : controlled[0].Chip.LicenseExceptions, StringComparer.Ordinal);
        foreach (var part in controlled.Skip(1))
        {
            exceptions.IntersectWith(part.Chip.LicenseExceptions);
        }

        var chips = string.Join(", ", parts.Select(p => $"{p.Count} x {p.Chip.Description} ({(p.Chip.Eccn.Length > 0 ? p.Chip.Eccn : "not 3A090")})"));
        return new ItemClassification(
            name,
            ItemKind.Assembly,
            eccn,
            eccn.Length > 0 ? $"{eccn} (contains {chips}; the .z paragraphs follow the same chips)" : $"not 4A090 (contains {chips})",
            parts.Sum(p => p.Chip.TppEach * p.Count),
            parts.Sum(p => p.Chip.H100EquivalentsEach * p.Count),
            controlled.Any(p => p.Chip.Datacenter),
            exceptions,
            parts.Count == 0 ? 0 : parts.Max(p => p.Chip.MaxChipTpp),
            controlled.Count == 0 || controlled.Any(p => p.Chip.MaxChipDramBandwidthGbPerS <= 0) ? 0 : controlled.Max(p => p.Chip.MaxChipDramBandwidthGbPerS));
    }

    /// <summary>The order line of <paramref name="quantity"/> units at <paramref name="index"/>.</summary>
    public ClassifiedItem ToItem(int index, uint quantity) => new(
        index, Description, Kind, Eccn, Paragraph, TppEach, quantity, Datacenter, LicenseExceptions,
        MaxChipTpp, MaxChipDramBandwidthGbPerS, H100EquivalentsEach: H100EquivalentsEach);
}
