namespace Diffusion.Rules.Decisions;

/// <summary>
/// Consignees to whom advanced computing items need no licence because of who they are (<c>rules/approved-consignees.json</c>,
/// one list for every rule set): the UAE Government, G42 and Core42 until 2027-04-06, and UAE subsidiaries of listed
/// US-headquartered AI companies (91 FR 43034, effective 2026-07-10). Each entry is valid for [from, to).
/// </summary>
public sealed record ApprovedConsigneeList : IRuleFamily
{
    /// <summary>The file name inside the rules directory.</summary>
    public const string FileName = "approved-consignees.json";

    /// <summary>How an entry matches the order's consignee.</summary>
    public static readonly IReadOnlyList<string> MatchKinds = ["name", "government", "ultimate-parent"];

    /// <summary>An empty list (no file).</summary>
    public static ApprovedConsigneeList Empty { get; } = new() { Entries = [] };

    /// <summary>The entries.</summary>
    public required IReadOnlyList<ApprovedConsignee> Entries { get; init; }

    /// <summary>Optional remark for a reader.</summary>
    public string? Note { get; init; }

    /// <summary>
    /// The entries that name this consignee in <paramref name="destination"/>, valid on any day (the caller checks the
    /// day, to explain an entry that has lapsed).
    /// </summary>
    public IReadOnlyList<ApprovedConsignee> Matching(string destination, string consigneeId, ConsigneeProfile consignee)
    {
        ArgumentNullException.ThrowIfNull(consignee);
        var identity = consignee.Identity;
        return [.. Entries.Where(e => e.Country == destination && e.Match switch
        {
            "government" => identity.Government,
            "ultimate-parent" => e.Names(identity.ParentName) && consignee.ParentHeadquartersCountry == e.ParentHeadquarters,
            _ => e.Names(identity.Name) || e.Ids.Contains(consigneeId, StringComparer.Ordinal),
        })];
    }

    /// <summary>Loads and validates the list from a rules directory; <see cref="Empty"/> when the file is absent.</summary>
    public static ApprovedConsigneeList Load(string rulesDirectory)
    {
        var root = Path.GetFullPath(rulesDirectory);
        var path = Path.Combine(root, FileName);
        return File.Exists(path)
            ? RuleJson.Read<ApprovedConsigneeList>(path, Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar)) + "/" + FileName)
            : Empty;
    }

    /// <inheritdoc />
    public void Validate(RuleValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        for (var i = 0; i < Entries.Count; i++)
        {
            var e = Entries[i];
            var at = $"$.entries[{i}]";
            context.Require(!string.IsNullOrWhiteSpace(e.Name), at + ".name", "must not be empty");
            context.Require(MatchKinds.Contains(e.Match), at + ".match", $"unknown match '{e.Match}' (expected one of {string.Join(", ", MatchKinds)})");
            context.Require(RuleValidationContext.IsCountryCode(e.Country), at + ".country", $"'{e.Country}' is not an ISO 3166-1 alpha-2 code");
            context.Require(e.Match != "ultimate-parent" || RuleValidationContext.IsCountryCode(e.ParentHeadquarters), at + ".parent_headquarters",
                "an ultimate-parent entry needs the parent's headquarters country");
            context.Require(e.To is null || e.From < e.To, at + ".to", $"period is inverted or empty: from {e.From:yyyy-MM-dd} is not before to {e.To:yyyy-MM-dd}");
            context.Require(!string.IsNullOrWhiteSpace(e.Citation), at + ".citation", "must not be empty");
        }
    }
}

/// <summary>One approved consignee, valid for the days [<see cref="From"/>, <see cref="To"/>).</summary>
public sealed record ApprovedConsignee
{
    /// <summary>The name, e.g. "G42"; for an ultimate-parent entry, the parent's.</summary>
    public required string Name { get; init; }

    /// <summary>Other names it goes by.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Consignee ids (as orders give them) known to be this entity.</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];

    /// <summary>"name" (the consignee itself), "government" (a government agency of <see cref="Country"/>), or "ultimate-parent" (a subsidiary in <see cref="Country"/> of this parent).</summary>
    public required string Match { get; init; }

    /// <summary>For ultimate-parent entries: where the parent must be headquartered (ISO alpha-2).</summary>
    public string ParentHeadquarters { get; init; } = "";

    /// <summary>The destination the approval covers (ISO alpha-2).</summary>
    public required string Country { get; init; }

    /// <summary>First day approved (inclusive).</summary>
    public required DateOnly From { get; init; }

    /// <summary>First day no longer approved (exclusive); null while open-ended.</summary>
    public DateOnly? To { get; init; }

    /// <summary>The rule that approves it.</summary>
    public required string Citation { get; init; }

    /// <summary>How sure the entry is.</summary>
    public required Confidence Confidence { get; init; }

    /// <summary>Optional remark.</summary>
    public string? Note { get; init; }

    /// <summary>Whether the entry is valid on <paramref name="day"/>.</summary>
    public bool Covers(DateOnly day) => From <= day && (To is null || day < To);

    /// <summary>The period as "[from, to)".</summary>
    public string Period => $"[{From:yyyy-MM-dd}, {(To is { } to ? to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "open")})";

    /// <summary>Whether <paramref name="name"/> is this entry's name or an alias (case and runs of spaces ignored).</summary>
    public bool Names(string name) =>
        Normalize(name) is { Length: > 0 } key && Aliases.Prepend(Name).Any(n => Normalize(n) == key);

    private static string Normalize(string name) =>
        string.Join(' ', name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
}
