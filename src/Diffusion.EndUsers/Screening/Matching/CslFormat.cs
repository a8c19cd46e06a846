using System.Globalization;
using System.Text.Json;
using Sylvan.Data.Csv;

namespace Diffusion.EndUsers.Screening.Matching;

/// <summary>A list file that is not in the CSL format; the message names the record and field.</summary>
public sealed class CslFormatException(string message) : FormatException(message);

/// <summary>
/// Reads the US Consolidated Screening List in the two shapes the government publishes: the JSON download
/// (<c>{ "results": [...], "search_performed_at", "sources_used": [{ "source_last_updated" }] }</c>) and the CSV
/// (header <c>_id,source,entity_number,type,programs,name,...,alt_names,...</c>; multi-valued cells <c>;</c>-separated).
/// Unknown fields are ignored: the publisher adds fields from time to time.
/// </summary>
public static class CslFormat
{
    /// <summary>The most entries one list may hold (the full CSL has about 30,000).</summary>
    public const int MaxEntries = 200_000;

    /// <summary>Parses the JSON download. The publication date: <paramref name="publishedAt"/>, else the newest
    /// <c>source_last_updated</c>, else <c>search_performed_at</c>.</summary>
    public static RestrictedPartyList ParseJson(ReadOnlySpan<byte> utf8, DateTimeOffset? publishedAt)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new CslFormatException($"not JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
            {
                throw new CslFormatException("expected an object with a 'results' array (the CSL JSON download)");
            }

            var entries = new List<RestrictedParty>();
            var i = 0;
            foreach (var row in results.EnumerateArray())
            {
                entries.Add(Entry(row, $"results[{i++}]"));
                if (entries.Count > MaxEntries)
                {
                    throw new CslFormatException($"more than {MaxEntries} entries");
                }
            }

            var published = publishedAt ?? NewestSourceUpdate(root) ?? Date(root, "search_performed_at")
                ?? throw new CslFormatException("no publication date: the file has no sources_used[].source_last_updated or search_performed_at; give published_at");
            return new RestrictedPartyList(published, entries);
        }
    }

    /// <summary>Parses the CSV download; it carries no date, so <paramref name="publishedAt"/> is required.</summary>
    public static RestrictedPartyList ParseCsv(string text, DateTimeOffset publishedAt)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<RestrictedParty>();
        using var csv = CsvDataReader.Create(new StringReader(text), new CsvDataReaderOptions { HasHeaders = true });
        var columns = Enumerable.Range(0, csv.FieldCount).ToDictionary(csv.GetName, i => i, StringComparer.Ordinal);
        if (!columns.ContainsKey("name") || !columns.ContainsKey("source"))
        {
            throw new CslFormatException("expected the CSL CSV header (_id,source,entity_number,type,programs,name,...)");
        }

        while (csv.Read())
        {
            var line = entries.Count + 2;
            string Cell(string name) => columns.TryGetValue(name, out var i) && i < csv.RowFieldCount ? csv.GetString(i).Trim() : "";
            IReadOnlyList<string> Many(string name) => [.. Cell(name).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
            var addresses = Many("addresses");
            entries.Add(Checked(new RestrictedParty(
                Cell("_id").Length > 0 ? Cell("_id") : Cell("id"),
                Cell("source"),
                Cell("name"),
                Many("alt_names"),
                addresses,
                [.. addresses.Select(CountryAtEnd).OfType<string>().Distinct(StringComparer.Ordinal)],
                Cell("federal_register_notice"),
                Cell("start_date"),
                Cell("license_requirement"),
                Cell("license_policy"),
                Cell("remarks")), $"line {line}"));
            if (entries.Count > MaxEntries)
            {
                throw new CslFormatException($"more than {MaxEntries} entries");
            }
        }

        return new RestrictedPartyList(publishedAt, entries);
    }

    private static RestrictedParty Entry(JsonElement row, string at)
    {
        if (row.ValueKind != JsonValueKind.Object)
        {
            throw new CslFormatException($"{at}: expected an object");
        }

        var addresses = new List<string>();
        var countries = new List<string>();
        if (row.TryGetProperty("addresses", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var address in list.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.Object))
            {
                var parts = new[] { "address", "city", "state", "postal_code", "country" }.Select(f => Text(address, f)).Where(p => p.Length > 0);
                addresses.Add(string.Join(", ", parts));
                var country = Text(address, "country");
                if (Diffusion.Rules.Countries.Iso3166.IsAssigned(country) && !countries.Contains(country))
                {
                    countries.Add(country);
                }
            }
        }

        return Checked(new RestrictedParty(
            Text(row, "id").Length > 0 ? Text(row, "id") : Text(row, "_id"),
            Text(row, "source"),
            Text(row, "name"),
            Strings(row, "alt_names"),
            addresses,
            countries,
            Text(row, "federal_register_notice"),
            Text(row, "start_date"),
            Text(row, "license_requirement"),
            Text(row, "license_policy"),
            Text(row, "remarks")), at);
    }

    private static RestrictedParty Checked(RestrictedParty entry, string at)
    {
        if (entry.Id.Length == 0)
        {
            throw new CslFormatException($"{at}: id is empty");
        }

        if (entry.Name.Length == 0 && entry.AltNames.Count == 0)
        {
            throw new CslFormatException($"{at} ({entry.Id}): neither name nor alt_names");
        }

        return entry;
    }

    private static string Text(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!.Trim(),
            JsonValueKind.Number => value.GetRawText(),
            _ => "",
        } : "";

    private static List<string> Strings(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!.Trim()).Where(v => v.Length > 0)]
            : [];

    private static DateTimeOffset? Date(JsonElement element, string name) =>
        DateTimeOffset.TryParse(Text(element, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;

    private static DateTimeOffset? NewestSourceUpdate(JsonElement root) =>
        root.TryGetProperty("sources_used", out var sources) && sources.ValueKind == JsonValueKind.Array
            ? sources.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object).Select(s => Date(s, "source_last_updated")).Max()
            : null;

    // A CSV address cell is one line; its last comma-separated part is the country code when it is one.
    private static string? CountryAtEnd(string address)
    {
        var last = address[(address.LastIndexOf(',') + 1)..].Trim();
        return Diffusion.Rules.Countries.Iso3166.IsAssigned(last) ? last : null;
    }
}
