using System.Globalization;
using System.Text.RegularExpressions;

namespace Diffusion.Rules.Quotas;

/// <summary>The kinds of allocation bucket.</summary>
public enum BucketKind
{
    /// <summary><c>country/&lt;CC&gt;/&lt;yyyy-yyyy&gt;</c>: a Tier 2 country's allocation for a multi-year period.</summary>
    Country,

    /// <summary><c>lpp/&lt;consignee-id&gt;/&lt;yyyy&gt;</c>: License Exception LPP, one ultimate consignee, one calendar year.</summary>
    Lpp,

    /// <summary><c>nveu/&lt;veu-id&gt;/&lt;CC&gt;</c>: one National VEU's cumulative installed base in one country.</summary>
    Nveu,

    /// <summary>
    /// <c>china-share/&lt;exporter&gt;/&lt;product&gt;</c>: one exporter's China/Macau shipments of one product against
    /// its US shipments (91 FR 1684). Its cap is the TPP of the product the exporter has shipped to US end users, as
    /// recorded by an officer (SetAllocation); the rules never define it.
    /// </summary>
    ChinaShare,

    /// <summary>
    /// <c>licence/&lt;number&gt;</c>: one granted export licence's quantity (TPP or units of its items). Its cap is the
    /// quantity on the licence, set by the officer who records it (SetAllocation); the rules never define it.
    /// </summary>
    Licence,
}

/// <summary>
/// A bucket id, parsed. Grammar (readable paths): <c>country/&lt;CC&gt;/&lt;yyyy&gt;-&lt;yyyy&gt;</c>,
/// <c>lpp/&lt;id&gt;/&lt;yyyy&gt;</c>, <c>nveu/&lt;id&gt;/&lt;CC&gt;</c>, <c>china-share/&lt;id&gt;/&lt;id&gt;</c>, <c>licence/&lt;id&gt;</c>, where CC is an ISO 3166-1 alpha-2 code in
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

    /// <summary>The consignee (LPP), VEU (NVEU) or exporter (China share) id, or the licence number (licence).</summary>
    public string? Entity { get; }

    /// <summary>The product key (China share).</summary>
    public string? Product { get; private init; }

    /// <summary>The calendar year (LPP).</summary>
    public int? Year { get; }

    /// <summary>First year of the period, inclusive (country).</summary>
    public int? FirstYear { get; }

    /// <summary>Last year of the period, inclusive (country).</summary>
    public int? LastYear { get; }

    /// <summary>The grammar, for error messages.</summary>
    public const string Grammar = "country/<CC>/<yyyy-yyyy>, lpp/<consignee-id>/<yyyy>, nveu/<veu-id>/<CC>, china-share/<exporter>/<product> or licence/<number>";

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
        else if (match.Groups["exporter"].Success)
        {
            bucket = new BucketId(text, BucketKind.ChinaShare, null, match.Groups["exporter"].Value, null, null, null) { Product = match.Groups["product"].Value };
        }
        else if (match.Groups["licence"].Success)
        {
            bucket = new BucketId(text, BucketKind.Licence, null, match.Groups["licence"].Value, null, null, null);
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

    /// <summary>
    /// The id of an exporter's China/Macau share bucket for a product, both given as names and turned into keys
    /// (<see cref="Key"/>); null when either has no letter or digit.
    /// </summary>
    public static string? ForChinaShare(string exporter, string product) =>
        Key(exporter) is { Length: > 0 } e && Key(product) is { Length: > 0 } p ? $"china-share/{e}/{p}" : null;

    /// <summary>
    /// A name as a bucket id segment: lower case, every run of characters other than <c>a-z 0-9 . _ :</c> one '-',
    /// starting with a letter or digit, no trailing '-', at most 128 characters ("NVIDIA H200 SXM" is "nvidia-h200-sxm"). Names that differ
    /// only in case, spacing or punctuation share a key.
    /// </summary>
    public static string Key(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = KeyUnsafe().Replace(name.ToLowerInvariant(), "-").TrimStart('-', '.', '_', ':').TrimEnd('-');
        return key.Length <= 128 ? key : key[..128].TrimEnd('-');
    }

    /// <summary>The id of a licence's bucket (the number as the licence gives it, checked by <see cref="TryParse"/>).</summary>
    public static string ForLicence(string number) => $"licence/{number}";

    /// <inheritdoc />
    public override string ToString() => Text;

    private static int Int(string digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?:country/(?<cc>[A-Z]{2})/(?<from>\d{4})-(?<to>\d{4})|lpp/(?<consignee>[A-Za-z0-9][A-Za-z0-9._:-]{0,127})/(?<year>\d{4})|nveu/(?<veu>[A-Za-z0-9][A-Za-z0-9._:-]{0,127})/(?<vcc>[A-Z]{2})|china-share/(?<exporter>[A-Za-z0-9][A-Za-z0-9._:-]{0,127})/(?<product>[A-Za-z0-9][A-Za-z0-9._:-]{0,127})|licence/(?<licence>[A-Za-z0-9][A-Za-z0-9._:-]{0,127}))$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex("[^a-z0-9._:]+", RegexOptions.CultureInvariant)]
    private static partial Regex KeyUnsafe();
}
