namespace Diffusion.Rules.Classification;

/// <summary>
/// The thresholds of ECCN 3A090 (15 CFR 774 Supp. 1) and the licence exceptions each result is eligible for.
/// File: <c>rules/&lt;set&gt;/classification.json</c>. Ranges are half-open: a value at a <c>*_min</c> is in, a value at
/// a <c>*_below</c> is out (ECCN 3A090.a.2 reads "TPP &gt;= 2400 and &lt; 4800").
/// </summary>
[RuleFamily("classification")]
public sealed record ClassificationRules : IRuleFamily
{
    /// <summary>The definitions of TPP, performance density and memory bandwidth density, with their sources.</summary>
    public required ClassificationDefinitions Definitions { get; init; }

    /// <summary>3A090.a.1: TPP &gt;= 4800.</summary>
    public required PerformanceBand A1 { get; init; }

    /// <summary>3A090.a.2: TPP &gt;= 1600 and PD &gt;= 5.92.</summary>
    public required PerformanceBand A2 { get; init; }

    /// <summary>3A090.b.1: 2400 &lt;= TPP &lt; 4800 and 1.6 &lt;= PD &lt; 5.92.</summary>
    public required PerformanceBand B1 { get; init; }

    /// <summary>3A090.b.2: TPP &gt;= 1600 and 3.2 &lt;= PD &lt; 5.92.</summary>
    public required PerformanceBand B2 { get; init; }

    /// <summary>Chips not designed or marketed for datacenters.</summary>
    public required NotForDatacenterRules NotForDatacenter { get; init; }

    /// <summary>3A090.c: high-bandwidth memory.</summary>
    public required HbmRules Hbm { get; init; }

    /// <summary>TPP of one NVIDIA H100, the unit of H100-equivalents (value, derivation and confidence in the rule data).</summary>
    public required Cited<decimal> H100Tpp { get; init; }

    /// <summary>
    /// Licence exceptions each ECCN is eligible for, keyed "3A090.a", "3A090.b" (3A090.c: <see cref="HbmRules"/>)
    /// (e.g. NAC/ACA; LPP and AIA under the AI Diffusion sets).
    /// </summary>
    public required IReadOnlyDictionary<string, Cited<IReadOnlyList<string>>> LicenseExceptions { get; init; }

    /// <summary>The exceptions listed for an ECCN; empty if none.</summary>
    public IReadOnlyList<string> ExceptionsFor(string eccn) =>
        LicenseExceptions.TryGetValue(eccn, out var list) ? list.Value : [];

    /// <inheritdoc />
    public void Validate(RuleValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.HasCitation(Definitions.Tpp);
        context.HasCitation(Definitions.PerformanceDensity);
        context.HasCitation(Definitions.MemoryBandwidthDensity);
        A1.Validate(context, "$.a1");
        A2.Validate(context, "$.a2");
        B1.Validate(context, "$.b1");
        B2.Validate(context, "$.b2");
        context.Positive(NotForDatacenter.TppBelow);
        ValidateExceptions(context, NotForDatacenter.LicenseExceptions.Value, "$.not_for_datacenter.license_exceptions.value");
        context.Positive(Hbm.BandwidthDensityAbove);
        context.Positive(Hbm.LicenseExceptionDensityBelow);
        context.Require(Hbm.BandwidthDensityAbove.Value < Hbm.LicenseExceptionDensityBelow.Value,
            "$.hbm.license_exception_density_below.value",
            $"must be above hbm.bandwidth_density_above ({Hbm.BandwidthDensityAbove.Value}), was {Hbm.LicenseExceptionDensityBelow.Value}");
        ValidateExceptions(context, Hbm.LicenseExceptions.Value, "$.hbm.license_exceptions.value");
        context.Positive(H100Tpp);
        foreach (var (eccn, list) in LicenseExceptions)
        {
            context.Require(eccn is "3A090.a" or "3A090.b", $"$.license_exceptions[\"{eccn}\"]",
                "unknown ECCN (expected 3A090.a or 3A090.b; 3A090.c's exception is under hbm)");
            ValidateExceptions(context, list.Value, $"$.license_exceptions[\"{eccn}\"].value");
        }
    }

    private static void ValidateExceptions(RuleValidationContext context, IReadOnlyList<string> codes, string field)
    {
        for (var i = 0; i < codes.Count; i++)
        {
            context.Require(codes[i].Length is >= 2 and <= 4 && codes[i].All(char.IsAsciiLetterUpper), $"{field}[{i}]",
                $"'{codes[i]}' is not a licence exception code (2-4 upper-case letters, e.g. NAC)");
        }
    }
}

/// <summary>
/// A region of the (TPP, performance density) plane: [<see cref="TppMin"/>, <see cref="TppBelow"/>) x
/// [<see cref="PdMin"/>, <see cref="PdBelow"/>); an absent bound is unbounded.
/// </summary>
public sealed record PerformanceBand
{
    /// <summary>Lowest TPP in the band (inclusive).</summary>
    public required Cited<decimal> TppMin { get; init; }

    /// <summary>TPP from which the band no longer applies (exclusive); null: no upper bound.</summary>
    public Cited<decimal>? TppBelow { get; init; }

    /// <summary>Lowest performance density in the band (inclusive); null: any density.</summary>
    public Cited<decimal>? PdMin { get; init; }

    /// <summary>Performance density from which the band no longer applies (exclusive); null: no upper bound.</summary>
    public Cited<decimal>? PdBelow { get; init; }

    /// <summary>Whether the band needs the performance density.</summary>
    public bool UsesDensity => PdMin is not null || PdBelow is not null;

    internal void Validate(RuleValidationContext context, string field)
    {
        context.Require(TppMin.Value > 0, field + ".tpp_min.value", $"must be > 0, was {TppMin.Value}");
        context.Require(TppBelow is null || TppBelow.Value > TppMin.Value, field + ".tpp_below.value",
            $"must be above tpp_min ({TppMin.Value}), was {TppBelow?.Value}");
        context.Require(PdMin is null || PdMin.Value >= 0, field + ".pd_min.value", $"must be >= 0, was {PdMin?.Value}");
        context.Require(PdBelow is null || PdBelow.Value > (PdMin?.Value ?? 0), field + ".pd_below.value",
            $"must be above pd_min ({PdMin?.Value ?? 0}), was {PdBelow?.Value}");
    }
}

/// <summary>The note on chips not designed or marketed for datacenters.</summary>
public sealed record NotForDatacenterRules
{
    /// <summary>Below this TPP such a chip is outside 3A090.a/.b (4800).</summary>
    public required Cited<decimal> TppBelow { get; init; }

    /// <summary>The exceptions such a chip is eligible for when it is in 3A090 (NAC/ACA).</summary>
    public required Cited<IReadOnlyList<string>> LicenseExceptions { get; init; }
}

/// <summary>3A090.c, high-bandwidth memory, and License Exception HBM.</summary>
public sealed record HbmRules
{
    /// <summary>3A090.c applies above this memory bandwidth density, GB/s per mm2 (exclusive: &gt; 2).</summary>
    public required Cited<decimal> BandwidthDensityAbove { get; init; }

    /// <summary>License Exception HBM applies below this density, GB/s per mm2 (exclusive: &lt; 3.3) [S].</summary>
    public required Cited<decimal> LicenseExceptionDensityBelow { get; init; }

    /// <summary>The exceptions below that density (HBM).</summary>
    public required Cited<IReadOnlyList<string>> LicenseExceptions { get; init; }
}

/// <summary>The defined quantities classification computes, each with its source (the value is the definition's wording).</summary>
public sealed record ClassificationDefinitions
{
    /// <summary>Total processing performance.</summary>
    public required Cited<string> Tpp { get; init; }

    /// <summary>Performance density.</summary>
    public required Cited<string> PerformanceDensity { get; init; }

    /// <summary>Memory bandwidth density (3A090.c).</summary>
    public required Cited<string> MemoryBandwidthDensity { get; init; }
}
