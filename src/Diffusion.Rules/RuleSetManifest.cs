using System.Text.RegularExpressions;

namespace Diffusion.Rules;

/// <summary>
/// The manifest of a rule set: <c>rules/&lt;id&gt;/ruleset.json</c>.
/// <code>
/// {
///   "id": "aid-2025",
///   "title": "Framework for Artificial Intelligence Diffusion",
///   "citation": "90 FR 4544 (FR Doc 2025-00636)",
///   "effective": { "from": "2025-01-13", "to": "2026-01-15", "citation": "...", "confidence": "R" },
///   "status": { "value": "announced-rescinded", "date": "2025-05-13", "citation": "...", "confidence": "G" },
///   "ai_diffusion_framework": true,
///   "inherits": "acr-2023"
/// }
/// </code>
/// </summary>
public sealed partial record RuleSetManifest
{
    /// <summary>Status values a manifest may carry.</summary>
    public static readonly IReadOnlyList<string> Statuses = [InForce, Superseded, AnnouncedRescinded, NotEnforced];

    /// <summary>The rule's text is in force.</summary>
    public const string InForce = "in-force";

    /// <summary>Replaced by a later rule set (see <see cref="RuleSetStatus.Date"/>).</summary>
    public const string Superseded = "superseded";

    /// <summary>The agency announced it will rescind the rule and not enforce it; the text may remain.</summary>
    public const string AnnouncedRescinded = "announced-rescinded";

    /// <summary>
    /// On the books, not enforced: the agency announced it would not enforce the rule (see <see cref="RuleSetStatus.Date"/>)
    /// but published no rescission, so the text stays in the CFR. Like <see cref="AnnouncedRescinded"/>, the operator
    /// chooses whether to apply it from that date.
    /// </summary>
    public const string NotEnforced = "not-enforced";

    /// <summary>The id, equal to the folder name, e.g. "aid-2025".</summary>
    public required string Id { get; init; }

    /// <summary>A readable title.</summary>
    public required string Title { get; init; }

    /// <summary>The rule (Federal Register / CFR) the set implements.</summary>
    public required string Citation { get; init; }

    /// <summary>Calendar days the set applies to, [from, to).</summary>
    public required EffectivePeriod Effective { get; init; }

    /// <summary>Whether the set is in force, superseded or announced rescinded, since when and per whom.</summary>
    public required RuleSetStatus Status { get; init; }

    /// <summary>
    /// Whether the set contains the January 2025 AI Diffusion framework (tiers, allocations, LPP, AIA). While the
    /// operator enforces it (<see cref="RuleOptions.EnforceAiDiffusion2025"/>) such a set takes precedence over a
    /// set without the framework in force on the same day.
    /// </summary>
    public bool AiDiffusionFramework { get; init; }

    /// <summary>The rule set whose family files this one inherits when it lacks them; null for none.</summary>
    public string? Inherits { get; init; }

    /// <summary>Optional remark.</summary>
    public string? Note { get; init; }

    internal void Validate(RuleValidationContext context)
    {
        context.Require(IdPattern().IsMatch(Id), "$.id", $"'{Id}' is not a rule set id (lower-case letters, digits and '-')");
        context.NotBlank(Title);
        context.NotBlank(Citation);
        context.NotBlank(Effective.Citation);
        context.Require(Effective.To is null || Effective.From < Effective.To, "$.effective.to",
            $"effective period is inverted or empty: from {Effective.From:yyyy-MM-dd} is not before to {Effective.To:yyyy-MM-dd}");
        context.Require(Statuses.Contains(Status.Value), "$.status.value",
            $"unknown status '{Status.Value}' (expected one of {string.Join(", ", Statuses)})");
        context.Require(Status.Value == InForce || Status.Date is not null, "$.status.date",
            $"a '{Status.Value}' status needs the date it was announced");
        context.NotBlank(Status.Citation);
        for (var i = 0; i < Status.Facts.Count; i++)
        {
            context.Require(!string.IsNullOrWhiteSpace(Status.Facts[i].Value), $"$.status.facts[{i}].value", "must not be empty");
            context.Require(!string.IsNullOrWhiteSpace(Status.Facts[i].Citation), $"$.status.facts[{i}].citation", "must not be empty");
        }
    }

    /// <summary>Whether the status lets an operator choose not to apply the set from <see cref="RuleSetStatus.Date"/>.</summary>
    public bool AllowsNonEnforcement => Status.Value is AnnouncedRescinded or NotEnforced;

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();
}

/// <summary>The calendar days a rule set applies to: [<see cref="From"/>, <see cref="To"/>), To null = open-ended.</summary>
public sealed record EffectivePeriod
{
    /// <summary>First day in force (inclusive).</summary>
    public required DateOnly From { get; init; }

    /// <summary>First day no longer in force (exclusive); null while open-ended.</summary>
    public DateOnly? To { get; init; }

    /// <summary>Where the dates come from.</summary>
    public required string Citation { get; init; }

    /// <summary>How sure the dates are.</summary>
    public required Confidence Confidence { get; init; }

    /// <summary>Optional remark.</summary>
    public string? Note { get; init; }

    /// <summary>Whether <paramref name="day"/> lies in [From, To).</summary>
    public bool Contains(DateOnly day) => day >= From && (To is null || day < To);

    /// <summary>Whether two periods share at least one day.</summary>
    public bool Overlaps(EffectivePeriod other) =>
        (To is null || other.From < To) && (other.To is null || From < other.To);

    /// <inheritdoc />
    public override string ToString() => $"[{From:yyyy-MM-dd}, {(To is { } to ? to.ToString("yyyy-MM-dd") : "open")})";
}

/// <summary>A rule set's status, with the day it took that status and the source.</summary>
public sealed record RuleSetStatus
{
    /// <summary>"in-force", "superseded", "announced-rescinded" or "not-enforced".</summary>
    public required string Value { get; init; }

    /// <summary>The day of the announcement or supersession; required unless in force.</summary>
    public DateOnly? Date { get; init; }

    /// <summary>Where the status comes from.</summary>
    public required string Citation { get; init; }

    /// <summary>How sure it is.</summary>
    public required Confidence Confidence { get; init; }

    /// <summary>Optional remark.</summary>
    public string? Note { get; init; }

    /// <summary>The dated facts behind the status (announcements, findings, what the eCFR still holds), each cited.</summary>
    public IReadOnlyList<DatedFact> Facts { get; init; } = [];
}

/// <summary>A fact about a rule's standing on a day, with its source.</summary>
public sealed record DatedFact
{
    /// <summary>The day of the fact (an announcement, a finding, the eCFR read).</summary>
    public required DateOnly Date { get; init; }

    /// <summary>What happened or what holds.</summary>
    public required string Value { get; init; }

    /// <summary>Where it comes from.</summary>
    public required string Citation { get; init; }

    /// <summary>How sure it is.</summary>
    public required Confidence Confidence { get; init; }

    /// <summary>Optional remark.</summary>
    public string? Note { get; init; }
}
