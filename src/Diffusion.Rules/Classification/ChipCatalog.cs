namespace Diffusion.Rules.Classification;

/// <summary>
/// The catalogue of known chips (<c>rules/chips.json</c>), figures derived from datasheets with their sources; looked
/// up by name or alias, case-insensitively. Not official classifications: <see cref="KnownChip.Expected"/> is for
/// reference and tests. Read and validated like a rule family, but one file for all rule sets.
/// </summary>
public sealed record ChipCatalog : IRuleFamily
{
    /// <summary>The catalogue file name inside the rules directory.</summary>
    public const string FileName = "chips.json";

    /// <summary>The chips.</summary>
    public required IReadOnlyList<KnownChip> Chips { get; init; }

    /// <summary>Finds a chip by name or alias, case-insensitively (surrounding spaces ignored).</summary>
    public KnownChip? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.Trim();
        return Chips.FirstOrDefault(c => c.Names.Any(n => string.Equals(n, key, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Loads and validates the catalogue from a rules directory.</summary>
    /// <exception cref="RuleLoadException">The file is missing, malformed or invalid (file, field, problem).</exception>
    public static ChipCatalog Load(string rulesDirectory)
    {
        var root = Path.GetFullPath(rulesDirectory);
        var display = Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar)) + "/" + FileName;
        var path = Path.Combine(root, FileName);
        if (!File.Exists(path))
        {
            throw new RuleLoadException([new RuleProblem(display, "$", "the chip catalogue file does not exist")]);
        }

        return RuleJson.Read<ChipCatalog>(path, display);
    }

    /// <inheritdoc />
    public void Validate(RuleValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Chips.Count; i++)
        {
            var chip = Chips[i];
            var at = $"$.chips[{i}]";
            context.Require(!string.IsNullOrWhiteSpace(chip.Name), at + ".name", "must not be empty");
            foreach (var name in chip.Names)
            {
                context.Require(seen.Add(name.Trim()), at, $"name or alias '{name}' is used by another chip");
            }

            context.Require(chip.Rates.Count > 0, at + ".rates", "must list at least one dense compute rate");
            for (var r = 0; r < chip.Rates.Count; r++)
            {
                context.Require(chip.Rates[r].BitLength >= 1, $"{at}.rates[{r}].bit_length", $"must be >= 1, was {chip.Rates[r].BitLength}");
                context.Require(chip.Rates[r].DenseTops.Value >= 0, $"{at}.rates[{r}].dense_tops.value", $"must be >= 0, was {chip.Rates[r].DenseTops.Value}");
            }

            context.Require(chip.ApplicableDieAreaMm2 is null || chip.ApplicableDieAreaMm2.Value > 0, at + ".applicable_die_area_mm2.value",
                $"must be > 0, was {chip.ApplicableDieAreaMm2?.Value}");
            context.Require(chip.TotalDramBandwidthGbPerS is null || chip.TotalDramBandwidthGbPerS.Value >= 0,
                at + ".total_dram_bandwidth_gb_per_s.value", $"must be >= 0, was {chip.TotalDramBandwidthGbPerS?.Value}");
            context.Require(chip.Expected.Value is "" or "3A090.a" or "3A090.b", at + ".expected.value",
                $"'{chip.Expected.Value}' is not an expected chip ECCN (\"3A090.a\", \"3A090.b\" or \"\")");
            context.Require(!string.IsNullOrWhiteSpace(chip.Source), at + ".source", "must say where the figures come from");
        }
    }
}

/// <summary>One catalogue entry.</summary>
public sealed record KnownChip
{
    /// <summary>The catalogue name, e.g. "NVIDIA H100 SXM".</summary>
    public required string Name { get; init; }

    /// <summary>Other names it is looked up by, e.g. "H100".</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Designed or marketed for datacenters.</summary>
    public required bool Datacenter { get; init; }

    /// <summary>Dense compute rates.</summary>
    public required IReadOnlyList<KnownRate> Rates { get; init; }

    /// <summary>Applicable die area, mm2; null when not known well enough.</summary>
    public Cited<decimal>? ApplicableDieAreaMm2 { get; init; }

    /// <summary>Total DRAM bandwidth, GB/s; null when unknown.</summary>
    public Cited<decimal>? TotalDramBandwidthGbPerS { get; init; }

    /// <summary>Where the figures come from.</summary>
    public required string Source { get; init; }

    /// <summary>The ECCN the figures are expected to give ("" outside 3A090), for reference.</summary>
    public required Cited<string> Expected { get; init; }

    /// <summary>Name and aliases.</summary>
    public IEnumerable<string> Names => [Name, .. Aliases];

    /// <summary>The weakest confidence of the figures.</summary>
    public Confidence Confidence => Rates.Select(r => r.DenseTops.Confidence)
        .Concat(ApplicableDieAreaMm2 is { } a ? [a.Confidence] : [])
        .Aggregate(Confidence.Regulatory, ConfidenceTags.Weakest);

    /// <summary>The chip as a classification input.</summary>
    public ChipSpec ToSpec() => new(
        Name,
        [.. Rates.Select(r => new ComputeRate(r.BitLength, r.DenseTops.Value, r.Unit ?? "", r.Format ?? ""))],
        ApplicableDieAreaMm2?.Value,
        Datacenter,
        TotalDramBandwidthGbPerS?.Value);
}

/// <summary>One dense rate of a known chip.</summary>
public sealed record KnownRate
{
    /// <summary>The largest input bit length of the multiply.</summary>
    public required int BitLength { get; init; }

    /// <summary>Dense TOPS/TFLOPS (never sparsity figures), with source.</summary>
    public required Cited<decimal> DenseTops { get; init; }

    /// <summary>The number format, e.g. "FP8".</summary>
    public string? Format { get; init; }

    /// <summary>The processing unit, e.g. "tensor".</summary>
    public string? Unit { get; init; }
}
