using System.Globalization;
using System.Text.RegularExpressions;

namespace Diffusion.Rules.Quotas;

/// <summary>The three kinds of allocation bucket.</summary>
public enum BucketKind
{
    /// <summary><c>country/&lt;CC&gt;/&lt;yyyy-yyyy&gt;</c>: a Tier 2 country's allocation for a multi-year period.</summary>
    Country,

    /// <summary><c>lpp/&lt;consignee-id&gt;/&lt;yyyy&gt;</c>: License Exception LPP, one ultimate consignee, one calendar year.</summary>
    Lpp,

    /// <summary><c>nveu/&lt;veu-id&gt;/&lt;CC&gt;</c>: one National VEU's cumulative installed base in one country.</summary>
    Nveu,
}

/// <summary>
/// A bucket id, parsed. Grammar (readable paths): <c>country/&lt;CC&gt;/&lt;yyyy&gt;-&lt;yyyy&gt;</c>,
/// <c>lpp/&lt;id&gt;/&lt;yyyy&gt;</c>, <c>nveu/&lt;id&gt;/&lt;CC&gt;</c>, where CC is an ISO 3166-1 alpha-2 code in
/// upper case and an id is 1 to 128 of <c>A-Z a-z 0-9 . _ : -</c> starting with a letter or digit.
/// </summary>
public sealed partial record BucketId
{
    private BucketId(string text, BucketKind kind, string? country, string? entity, int? year, int? firstYear, int? lastYear)
    {
        Text = text;
        Kind = kind;
        Country = country;
        Entity = entity;
        Year = year;
        FirstYear = firstYear;
        LastYear = lastYear;
    }

    /// <summary>The id as written, e.g. "country/AE/2025-2027".</summary>
    public string Text { get; }

    /// <summary>Which kind of bucket.</summary>
    public BucketKind Kind { get; }

    /// <summary>The country (country and NVEU buckets).</summary>
    public string? Country { get; }

    /// <summary>The consignee (LPP) or VEU (NVEU) id.</summary>
    public string? Entity { get; }

    /// <summary>The calendar year (LPP).</summary>
    public int? Year { get; }

    /// <summary>First year of the period, inclusive (country).</summary>
    public int? FirstYear { get; }

    /// <summary>Last year of the period, inclusive (country).</summary>
    public int? LastYear { get; }

    /// <summary>The grammar, for error messages.</summary>
    public const string Grammar = "country/<CC>/<yyyy-yyyy>, lpp/<consignee-id>/<yyyy> or nveu/<veu-id>/<CC>";

    /// <summary>
    /// Parses a bucket id; on failure <paramref name="problem"/> says what is wrong without repeating the id (a caller
    /// that reports it quotes the id its own bounded way).
    /// </summary>
    public static bool TryParse(string? text, out BucketId? bucket, out string problem)
    {
        bucket = null;
        problem = "";
        if (string.IsNullOrEmpty(text))
        {
            problem = "must not be empty";
            return false;
        }

        var match = Pattern().Match(text);
        if (!match.Success)
        {
            problem = $"is not a bucket id ({Grammar})";
            return false;
        }

        var country = match.Groups["cc"].Success ? match.Groups["cc"].Value : match.Groups["vcc"].Success ? match.Groups["vcc"].Value : null;
        if (country is not null && !Countries.Iso3166.IsAssigned(country))
        {
            problem = $"names '{country}', which is not an assigned ISO 3166-1 alpha-2 code";
            return false;
        }

        if (match.Groups["cc"].Success)
        {
            var first = Int(match.Groups["from"].Value);
            var last = Int(match.Groups["to"].Value);
            if (last < first)
            {
                problem = "has a period that ends before it starts";
                return false;
            }

            bucket = new BucketId(text, BucketKind.Country, match.Groups["cc"].Value, null, null, first, last);
        }
        else if (match.Groups["consignee"].Success)
        {
            bucket = new BucketId(text, BucketKind.Lpp, null, match.Groups["consignee"].Value, Int(match.Groups["year"].Value), null, null);
        }
        else
        {
            bucket = new BucketId(text, BucketKind.Nveu, match.Groups["vcc"].Value, match.Groups["veu"].Value, null, null, null);
        }

        return true;
    }

    /// <summary>Parses a bucket id or throws <see cref="FormatException"/>.</summary>
    public static BucketId Parse(string text) =>
        TryParse(text, out var bucket, out var problem) ? bucket! : throw new FormatException($"'{text}' {problem}");

    /// <summary>The id of a country allocation bucket.</summary>
    public static string ForCountry(string country, string period) => $"country/{country}/{period}";

    /// <summary>The id of an LPP consignee-year bucket.</summary>
    public static string ForLpp(string consigneeId, int year) =>
        string.Create(CultureInfo.InvariantCulture, $"lpp/{consigneeId}/{year:D4}");

    /// <summary>The id of an NVEU country bucket.</summary>
    public static string ForNveu(string veuId, string country) => $"nveu/{veuId}/{country}";

    /// <inheritdoc />
    public override string ToString() => Text;

    private static int Int(string digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?:country/(?<cc>[A-Z]{2})/(?<from>\d{4})-(?<to>\d{4})|lpp/(?<consignee>[A-Za-z0-9][A-Za-z0-9._:-]{0,127})/(?<year>\d{4})|nveu/(?<veu>[A-Za-z0-9][A-Za-z0-9._:-]{0,127})/(?<vcc>[A-Z]{2}))$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
