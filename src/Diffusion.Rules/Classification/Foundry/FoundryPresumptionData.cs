namespace Diffusion.Rules.Classification.Foundry;

/// <summary>
/// The front-end fabricator / OSAT presumption (<c>rules/foundry-presumption.json</c>, one file for every rule set):
/// Note 1 to ECCN 3A090.a as added by the due-diligence rule of January 2025 (90 FR 5298). An advanced logic IC that a
/// front-end fabricator or an OSAT exports is presumed 3A090.a unless an approved designer, or until a date an
/// authorized designer, certifies it, or its aggregated approximated transistor count is below the threshold of the
/// year of export. The dates and thresholds are dated rows, read on the order's day.
/// </summary>
public sealed record FoundryPresumptionData : IRuleFamily
{
    /// <summary>The file name inside the rules directory.</summary>
    public const string FileName = "foundry-presumption.json";

    /// <summary>The first day the presumption applies.</summary>
    public required Cited<DateOnly> InForceFrom { get; init; }

    /// <summary>Which ICs it applies to (quoted in findings).</summary>
    public required Cited<string> AppliesTo { get; init; }

    /// <summary>What an approved designer's certification is (quoted in findings).</summary>
    public required Cited<string> ApprovedDesigner { get; init; }

    /// <summary>The last day an authorized designer's certification counts, by the day each rule took effect.</summary>
    public required IReadOnlyList<DatedDay> AuthorizedDesignerUntil { get; init; }

    /// <summary>The transistor-count thresholds, each from the first day of the export years it covers.</summary>
    public required IReadOnlyList<TransistorThreshold> TransistorThresholds { get; init; }

    /// <summary>Optional remark.</summary>
    public string? Note { get; init; }

    /// <summary>The last day an authorized designer counts, as the rules in effect on <paramref name="day"/> set it; null before any.</summary>
    public DatedDay? AuthorizedDesignerUntilOn(DateOnly day) => AuthorizedDesignerUntil.LastOrDefault(d => d.From <= day);

    /// <summary>
    /// The highest threshold that covers an export on <paramref name="day"/> of an IC with or without HBM; null before any.
    /// </summary>
    public TransistorThreshold? ThresholdOn(DateOnly day, bool containsHbm) => TransistorThresholds
        .Where(t => t.From <= day && !(t.WithoutHbmOnly && containsHbm))
        .MaxBy(t => t.BelowBillions);

    /// <summary>Loads and validates the file; null when absent (then no presumption is applied).</summary>
    public static FoundryPresumptionData? Load(string rulesDirectory)
    {
        var root = Path.GetFullPath(rulesDirectory);
        var path = Path.Combine(root, FileName);
        var display = Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar)) + "/" + FileName;
        return File.Exists(path) ? RuleJson.Read<FoundryPresumptionData>(path, display) : null;
    }

    /// <inheritdoc />
    public void Validate(RuleValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Require(AuthorizedDesignerUntil.Count > 0, "$.authorized_designer_until", "must hold at least one dated row");
        for (var i = 0; i < AuthorizedDesignerUntil.Count; i++)
        {
            var row = AuthorizedDesignerUntil[i];
            context.Require(i == 0 || AuthorizedDesignerUntil[i - 1].From < row.From, $"$.authorized_designer_until[{i}].from", "rows must be in order of their day");
            context.Require(!string.IsNullOrWhiteSpace(row.Citation), $"$.authorized_designer_until[{i}].citation", "must not be empty");
        }

        context.Require(TransistorThresholds.Count > 0, "$.transistor_thresholds", "must hold at least one threshold");
        for (var i = 0; i < TransistorThresholds.Count; i++)
        {
            var t = TransistorThresholds[i];
            context.Require(t.BelowBillions > 0, $"$.transistor_thresholds[{i}].below_billions", $"must be > 0, was {t.BelowBillions}");
            context.Require(i == 0 || TransistorThresholds[i - 1].From < t.From, $"$.transistor_thresholds[{i}].from", "thresholds must be in order of their day");
            context.Require(!string.IsNullOrWhiteSpace(t.Citation), $"$.transistor_thresholds[{i}].citation", "must not be empty");
        }
    }
}

/// <summary>A day set by a rule that took effect on <see cref="From"/>.</summary>
public sealed record DatedDay
{
    /// <summary>The day the rule sets.</summary>
    public required DateOnly Value { get; init; }

    /// <summary>The day the rule took effect.</summary>
    public required DateOnly From { get; init; }

    /// <summary>The rule.</summary>
    public required string Citation { get; init; }

    /// <summary>How sure it is.</summary>
    public required Confidence Confidence { get; init; }

    /// <summary>Optional remark.</summary>
    public string? Note { get; init; }
}

/// <summary>An IC whose aggregated approximated transistor count is below <see cref="BelowBillions"/> billion is not presumed 3A090.a.</summary>
public sealed record TransistorThreshold
{
    /// <summary>The threshold, in billions of transistors (exclusive).</summary>
    public required decimal BelowBillions { get; init; }

    /// <summary>The first day of the export years it covers.</summary>
    public required DateOnly From { get; init; }

    /// <summary>Whether it covers only ICs without high-bandwidth memory.</summary>
    public required bool WithoutHbmOnly { get; init; }

    /// <summary>The rule.</summary>
    public required string Citation { get; init; }

    /// <summary>How sure it is.</summary>
    public required Confidence Confidence { get; init; }
}
