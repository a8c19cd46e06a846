namespace Diffusion.Rules.Decisions;

/// <summary>
/// The affiliates ("50 %") rule (<c>rules/affiliates.json</c>, one file for every rule set): 90 FR 47201, in force
/// 2025-09-29, stayed 2025-11-10 to 2026-11-09 (90 FR 50857); after that the officer's setting
/// <see cref="RuleOptions.AffiliatesRuleAfterStay"/> decides (whether the stay was extended is not known).
/// </summary>
public sealed record AffiliatesRuleData : IRuleFamily
{
    /// <summary>The file name inside the rules directory.</summary>
    public const string FileName = "affiliates.json";

    /// <summary>The rule applies.</summary>
    public const string InForce = "in-force";

    /// <summary>The rule is stayed.</summary>
    public const string Stayed = "stayed";

    /// <summary>A period whose status is the officer's setting.</summary>
    public const string OfficerSetting = "officer-setting";

    /// <summary>Aggregate share, percent, from which the owners' restrictions pass on (inclusive).</summary>
    public required Cited<decimal> ThresholdPercent { get; init; }

    /// <summary>The lists whose parties' affiliates are caught: "entity-list", "military-end-user", "sdn".</summary>
    public required Cited<IReadOnlyList<string>> Lists { get; init; }

    /// <summary>The licence requirement and review policy an affiliate takes on.</summary>
    public required Cited<string> ReviewPolicy { get; init; }

    /// <summary>What a listed owner of unknown share raises (Red Flag 29).</summary>
    public required Cited<string> UnknownShare { get; init; }

    /// <summary>The rule's status by period.</summary>
    public required IReadOnlyList<AffiliatesPeriod> Periods { get; init; }

    /// <summary>Optional remark.</summary>
    public string? Note { get; init; }

    /// <summary>The officer's setting for periods marked officer-setting (set by the loader from <see cref="RuleOptions"/>).</summary>
    public string AfterStaySetting { get; init; } = InForce;

    /// <summary>The status on <paramref name="day"/> ("in-force", "stayed", or null before the rule), with its source.</summary>
    public Cited<string>? StatusOn(DateOnly day)
    {
        var period = Periods.FirstOrDefault(p => p.From <= day && (p.To is null || day < p.To));
        if (period is null)
        {
            return null;
        }

        return period.Status == OfficerSetting
            ? new Cited<string>
            {
                Value = AfterStaySetting,
                Citation = $"officer's setting Rules:AffiliatesRuleAfterStay={AfterStaySetting}; {period.Citation}",
                Confidence = period.Confidence,
            }
            : new Cited<string> { Value = period.Status, Citation = period.Citation, Confidence = period.Confidence };
    }

    /// <summary>Loads and validates the file; null when absent.</summary>
    public static AffiliatesRuleData? Load(string rulesDirectory, string afterStaySetting)
    {
        var root = Path.GetFullPath(rulesDirectory);
        var display = Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar)) + "/" + FileName;
        if (afterStaySetting is not (InForce or Stayed))
        {
            throw new RuleLoadException([new RuleProblem("configuration", "Rules:AffiliatesRuleAfterStay",
                $"'{afterStaySetting}' is not a status (expected {InForce} or {Stayed})")]);
        }

        var path = Path.Combine(root, FileName);
        return File.Exists(path) ? RuleJson.Read<AffiliatesRuleData>(path, display) with { AfterStaySetting = afterStaySetting } : null;
    }

    /// <inheritdoc />
    public void Validate(RuleValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Require(ThresholdPercent.Value is > 0 and <= 100, "$.threshold_percent.value", $"must be in (0, 100], was {ThresholdPercent.Value}");
        context.Require(Lists.Value.Count > 0, "$.lists.value", "must name at least one list");
        for (var i = 0; i < Periods.Count; i++)
        {
            var p = Periods[i];
            context.Require(p.Status is InForce or Stayed or OfficerSetting, $"$.periods[{i}].status", $"unknown status '{p.Status}' (expected {InForce}, {Stayed} or {OfficerSetting})");
            context.Require(p.To is null || p.From < p.To, $"$.periods[{i}].to", "period is inverted or empty");
            context.Require(i == 0 || Periods[i - 1].To == p.From, $"$.periods[{i}].from", "must start the day the previous period ends");
            context.Require(!string.IsNullOrWhiteSpace(p.Citation), $"$.periods[{i}].citation", "must not be empty");
        }
    }
}

/// <summary>The affiliates rule's status for the days [<see cref="From"/>, <see cref="To"/>).</summary>
public sealed record AffiliatesPeriod
{
    /// <summary>"in-force", "stayed" or "officer-setting".</summary>
    public required string Status { get; init; }

    /// <summary>First day (inclusive).</summary>
    public required DateOnly From { get; init; }

    /// <summary>First day after (exclusive); null while open-ended.</summary>
    public DateOnly? To { get; init; }

    /// <summary>The rule that sets the status.</summary>
    public required string Citation { get; init; }

    /// <summary>How sure it is.</summary>
    public required Confidence Confidence { get; init; }
}
