namespace Diffusion.Rules.Tiers;

/// <summary>
/// Country Group membership by date (<c>rules/country-groups.json</c>), one table for every rule set: groups change by
/// their own Federal Register rules (Cambodia left D:5 on 2026-02-03, the UAE moved from D:3/D:4 to A:5 on
/// 2026-07-10), not with the rule sets that use them. Every tier or group decision reads it as of the order's day.
/// Read and validated like a rule family, but one file for all rule sets.
/// </summary>
public sealed record CountryGroupTable : IRuleFamily
{
    /// <summary>The file name inside the rules directory.</summary>
    public const string FileName = "country-groups.json";

    /// <summary>Groups by name, e.g. "D:5", "Macau", "A:5".</summary>
    public required IReadOnlyDictionary<string, CountryGroupHistory> Groups { get; init; }

    /// <summary>Optional remark for a reader.</summary>
    public string? Note { get; init; }

    /// <summary>Whether a group of this name exists.</summary>
    public bool Has(string group) => Groups.ContainsKey(group);

    /// <summary>The row that puts <paramref name="country"/> in <paramref name="group"/> on <paramref name="day"/>, as a citable value; null if not a member then.</summary>
    /// <exception cref="KeyNotFoundException">No such group.</exception>
    public Cited<string>? Membership(string group, string country, DateOnly day)
    {
        var row = History(group).Memberships.FirstOrDefault(m => m.Covers(day) && m.Countries.Contains(country, StringComparer.Ordinal));
        return row is null ? null : new Cited<string> { Value = country, Citation = row.Citation, Confidence = row.Confidence, Note = row.Note };
    }

    /// <summary>The members of <paramref name="group"/> on <paramref name="day"/>, each with the row that makes it one.</summary>
    public IReadOnlyList<(string Country, GroupMembership Row)> MembersOn(string group, DateOnly day) =>
        [.. History(group).Memberships.Where(m => m.Covers(day)).SelectMany(m => m.Countries.Select(c => (c, m))).OrderBy(x => x.c, StringComparer.Ordinal)];

    /// <summary>The group's whole history.</summary>
    /// <exception cref="KeyNotFoundException">No such group.</exception>
    public CountryGroupHistory History(string group) => Groups.TryGetValue(group, out var history)
        ? history
        : throw new KeyNotFoundException($"no country group '{group}' in {FileName} (groups: {string.Join(", ", Groups.Keys)})");

    /// <summary>Loads and validates the table from a rules directory.</summary>
    /// <exception cref="RuleLoadException">The file is missing, malformed or invalid (file, field, problem).</exception>
    public static CountryGroupTable Load(string rulesDirectory)
    {
        var root = Path.GetFullPath(rulesDirectory);
        var display = Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar)) + "/" + FileName;
        var path = Path.Combine(root, FileName);
        return File.Exists(path)
            ? RuleJson.Read<CountryGroupTable>(path, display)
            : throw new RuleLoadException([new RuleProblem(display, "$", "the country group table does not exist (rule sets with tiers.json need it)")]);
    }

    /// <inheritdoc />
    public void Validate(RuleValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var (name, history) in Groups)
        {
            var field = $"$.groups[\"{name}\"]";
            context.Require(!string.IsNullOrWhiteSpace(history.Title), field + ".title", "must not be empty");
            for (var i = 0; i < history.Memberships.Count; i++)
            {
                var row = history.Memberships[i];
                var at = $"{field}.memberships[{i}]";
                context.Require(row.Countries.Count > 0, at + ".countries", "must list at least one country");
                context.CountryCodes(row.Countries, at + ".countries");
                context.Require(!string.IsNullOrWhiteSpace(row.Citation), at + ".citation", "must not be empty");
                context.Require(row.From is null || row.To is null || row.From < row.To, at + ".to",
                    $"period is inverted or empty: from {row.From:yyyy-MM-dd} is not before to {row.To:yyyy-MM-dd}");
                for (var j = 0; j < i; j++)
                {
                    var other = history.Memberships[j];
                    foreach (var country in row.Countries.Intersect(other.Countries, StringComparer.Ordinal).Where(_ => row.Overlaps(other)))
                    {
                        context.Report(at + ".countries", $"'{country}' is already a member on some of these days (memberships[{j}])");
                    }
                }
            }
        }
    }
}

/// <summary>One group's membership rows over time.</summary>
public sealed record CountryGroupHistory
{
    /// <summary>What the group is, with its regulation, e.g. "Country Group D:5 (US arms embargoed countries), 15 CFR 740 Supp. 1".</summary>
    public required string Title { get; init; }

    /// <summary>The rows; a country may appear in several, on days that do not overlap.</summary>
    public required IReadOnlyList<GroupMembership> Memberships { get; init; }
}

/// <summary>
/// Countries in a group for the calendar days [<see cref="From"/>, <see cref="To"/>): From null means since before any
/// rule set here, To null means still a member.
/// </summary>
public sealed record GroupMembership
{
    /// <summary>ISO 3166-1 alpha-2 codes.</summary>
    public required IReadOnlyList<string> Countries { get; init; }

    /// <summary>First day a member (inclusive); null: since before any rule set here.</summary>
    public DateOnly? From { get; init; }

    /// <summary>First day no longer a member (exclusive); null: still a member.</summary>
    public DateOnly? To { get; init; }

    /// <summary>The rule that put the countries in (and took them out).</summary>
    public required string Citation { get; init; }

    /// <summary>How sure the row is.</summary>
    public required Confidence Confidence { get; init; }

    /// <summary>Optional remark (why the confidence, what is unverified).</summary>
    public string? Note { get; init; }

    /// <summary>Whether <paramref name="day"/> lies in [From, To).</summary>
    public bool Covers(DateOnly day) => (From is null || From <= day) && (To is null || day < To);

    /// <summary>Whether two rows share a day.</summary>
    public bool Overlaps(GroupMembership other) =>
        (To is null || other.From is null || other.From < To) && (other.To is null || From is null || From < other.To);

    /// <summary>The period as "[from, to)", "since" and "until" omitted when open.</summary>
    public string Period => $"[{From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "..."}, {To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "open"})";
}
