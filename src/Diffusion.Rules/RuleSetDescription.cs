using System.Globalization;

namespace Diffusion.Rules;

/// <summary>One cited fact of the rule data, as <c>diffusion rules show</c> prints it.</summary>
/// <param name="Name">What it is about: "effective", "status", "status fact", "posture"...</param>
/// <param name="Value">The fact.</param>
/// <param name="Citation">Its source.</param>
/// <param name="Confidence">How sure it is.</param>
/// <param name="Note">Optional remark.</param>
public sealed record RuleFact(string Name, string Value, string Citation, Confidence Confidence, string? Note = null);

/// <summary>A country in a group on the day described, with the membership row that puts it there.</summary>
public sealed record GroupMemberOnDay(string Country, string Period, string Citation, Confidence Confidence, string? Note);

/// <summary>A Country Group's members on the day described.</summary>
public sealed record GroupOnDay(string Name, string Title, IReadOnlyList<GroupMemberOnDay> Members);

/// <summary>
/// What one rule set holds on one day: its period, status (with the dated facts behind it), the enforcement posture a
/// decision that day takes, and the Country Group memberships in force. Pure: the day is passed in.
/// </summary>
public sealed record RuleSetDescription(
    string Id,
    string Title,
    string Citation,
    DateOnly Day,
    IReadOnlyList<RuleFact> Statuses,
    IReadOnlyList<GroupOnDay> Groups,
    IReadOnlyList<EffectiveFamily> Families)
{
    /// <summary>Describes <paramref name="set"/> on <paramref name="day"/>.</summary>
    /// <param name="registry">The registry (for the posture, which depends on the operator's setting).</param>
    /// <param name="set">The set to describe.</param>
    /// <param name="day">The day.</param>
    /// <param name="named">Whether the caller named the set rather than leaving it to the day.</param>
    public static RuleSetDescription Of(RuleSetRegistry registry, RuleSet set, DateOnly day, bool named)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(set);
        var manifest = set.Manifest;
        var effective = manifest.Effective;
        var status = manifest.Status;
        var statuses = new List<RuleFact>
        {
            new("effective", $"{effective} ({(effective.Contains(day) ? "in force" : "not in force")} on {Text(day)})", effective.Citation, effective.Confidence, effective.Note),
            new("status", status.Date is { } since ? $"{status.Value} since {Text(since)}" : status.Value, status.Citation, status.Confidence, status.Note),
        };
        statuses.AddRange(set.StatusFacts.Where(f => f.Date <= day).Select(f => new RuleFact($"status {Text(f.Date)}", f.Value, f.Citation, f.Confidence, f.Note)));
        if (set.Shared.Affiliates?.StatusOn(day) is { } affiliates)
        {
            statuses.Add(new RuleFact("affiliates rule", affiliates.Value, affiliates.Citation, affiliates.Confidence));
        }

        if (set.Shared.FoundryPresumption is { } foundry && foundry.InForceFrom.Value <= day)
        {
            statuses.AddRange(FoundryFacts(foundry, day));
        }

        statuses.AddRange(set.Shared.ApprovedConsignees.Entries.Where(e => e.Covers(day)).Select(e =>
            new RuleFact("approved consignee", $"{e.Name} ({e.Match}) in {e.Country}, {e.Period}", e.Citation, e.Confidence, e.Note)));
        var posture = registry.PostureOf(set, day, named);
        statuses.Add(new RuleFact("posture", $"{posture.Name}: {posture.Reason.Message}", posture.Reason.Citation, posture.Reason.Confidence));

        var groups = set.CountryGroups is not { } table
            ? []
            : table.Groups.Select(g => new GroupOnDay(
                g.Key,
                g.Value.Title,
                [.. table.MembersOn(g.Key, day).Select(m => new GroupMemberOnDay(m.Country, m.Row.Period, m.Row.Citation, m.Row.Confidence, m.Row.Note))]))
              .ToList();
        return new RuleSetDescription(set.Id, manifest.Title, manifest.Citation, day, statuses, groups, set.EffectiveFamilies);
    }

    // Note 1 to 3A090.a on the day: the authorized-designer date in effect and the transistor thresholds for ICs with and without HBM.
    private static IEnumerable<RuleFact> FoundryFacts(Classification.Foundry.FoundryPresumptionData foundry, DateOnly day)
    {
        if (foundry.AuthorizedDesignerUntilOn(day) is { } until)
        {
            yield return new RuleFact("foundry presumption", $"an authorized IC designer's certification counts up to {Text(until.Value)}", until.Citation, until.Confidence, until.Note);
        }

        foreach (var hbm in new[] { false, true })
        {
            if (foundry.ThresholdOn(day, hbm) is { } threshold)
            {
                yield return new RuleFact("foundry presumption",
                    $"an advanced logic IC {(hbm ? "with" : "without")} HBM is presumed 3A090.a from {threshold.BelowBillions.ToString(CultureInfo.InvariantCulture)} billion transistors",
                    threshold.Citation, threshold.Confidence);
            }
        }
    }

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
