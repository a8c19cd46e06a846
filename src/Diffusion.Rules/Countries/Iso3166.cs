using System.Collections.Frozen;
using System.Text.Json;

namespace Diffusion.Rules.Countries;

/// <summary>
/// The officially assigned ISO 3166-1 alpha-2 codes, read from <c>rules/iso-3166-1.json</c> (compiled into this
/// assembly, so a code check needs no rules directory). Two upper-case letters are not enough: user-assigned codes
/// (<c>ZZ</c>, <c>XK</c>, <c>QM</c>..) and reserved ones (<c>EU</c>, <c>UK</c>) are not destinations.
/// </summary>
public static class Iso3166
{
    /// <summary>The file the codes come from, as its citation names it.</summary>
    public const string FileName = "iso-3166-1.json";

    private static readonly Lazy<Table> Codes = new(Load);

    /// <summary>Whether <paramref name="code"/> is an officially assigned alpha-2 code (upper case, e.g. "AE").</summary>
    public static bool IsAssigned(string? code) => code is { Length: 2 } && Codes.Value.Names.ContainsKey(code);

    /// <summary>The short English name of an assigned code, or null.</summary>
    public static string? NameOf(string code) => Codes.Value.Names.GetValueOrDefault(code);

    /// <summary>How many codes are assigned (249 in ISO 3166-1:2020 with its later newsletters).</summary>
    public static int Count => Codes.Value.Names.Count;

    /// <summary>Where the list comes from.</summary>
    public static string Citation => Codes.Value.Citation;

    private static Table Load()
    {
        using var stream = typeof(Iso3166).Assembly.GetManifestResourceStream(FileName)
            ?? throw new InvalidOperationException($"{FileName} is not embedded in {typeof(Iso3166).Assembly.GetName().Name}");
        var file = JsonSerializer.Deserialize<CodeFile>(stream, RuleJson.Options)
            ?? throw new InvalidOperationException($"{FileName} holds null");
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in file.Codes)
        {
            if (row.Code is not { Length: 2 } || !char.IsAsciiLetterUpper(row.Code[0]) || !char.IsAsciiLetterUpper(row.Code[1]) || !names.TryAdd(row.Code, row.Name))
            {
                throw new InvalidOperationException($"{FileName}: '{row.Code}' is not two upper-case letters or appears twice");
            }
        }

        return new Table(names.ToFrozenDictionary(StringComparer.Ordinal), file.Citation);
    }

    private sealed record Table(FrozenDictionary<string, string> Names, string Citation);

    private sealed record CodeFile(string Citation, string Confidence, string? Note, IReadOnlyList<CodeRow> Codes);

    private sealed record CodeRow(string Code, string Name);
}
