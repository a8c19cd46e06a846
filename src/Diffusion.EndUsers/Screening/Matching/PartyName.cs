using System.Text;
using AnyAscii;

namespace Diffusion.EndUsers.Screening.Matching;

/// <summary>
/// Names as screening compares them: lower case, accents dropped, apostrophes (and the '?' BIS rows carry for them)
/// removed, other punctuation a space, legal forms ("Co., Ltd.", "Inc", "GmbH", "OOO") and "the" dropped, spaces
/// collapsed. Two names equal after this are an exact match.
/// </summary>
public static class PartyName
{
    // Legal-form and filler tokens: they say what kind of company, not which one. Dropped wherever they stand.
    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal)
    {
        "the", "co", "company", "corp", "corporation", "inc", "incorporated", "ltd", "limited", "llc", "llp", "plc",
        "gmbh", "ag", "bv", "nv", "pte", "pty", "jsc", "ojsc", "pjsc", "cjsc", "oao", "ooo", "zao", "sarl", "srl",
        "spa", "kk", "oy", "sdn", "bhd", "fze", "fzco", "fzc", "fz", "cv",
    };

    // Legal forms that are also words of names ("Banco de Venezuela", "Hydro AS" against "As Sahab", "Sa Pa"): dropped
    // only in the run of legal forms that ends a name ("S.A. de C.V.", "AS", "AB"), so that "Banco de Venezuela" does
    // not become an exact match for "Banco Venezuela".
    private static readonly HashSet<string> DroppedAtTheEnd = new(StringComparer.Ordinal) { "sa", "as", "ab", "de" };

    /// <summary>The normal form of <paramref name="name"/> (empty for a name of nothing but punctuation and legal forms).</summary>
    public static string Normalize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "";
        }

        var folded = Fold(name);
        var text = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.IsLetterOrDigit(c))
            {
                text.Append(char.ToLowerInvariant(c));
            }
            else if (c is not ('\'' or '?' or '\u2019' or '`'))
            {
                text.Append(' ');
            }
        }

        var tokens = new List<string>();
        var joiningInitials = false;
        foreach (var token in text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            // Initials written apart ("S.M.I.C.", "S M I C") are one word, as lists write them ("SMIC").
            if (token.Length == 1 && joiningInitials)
            {
                tokens[^1] += token;
            }
            else
            {
                tokens.Add(token);
                joiningInitials = token.Length == 1;
            }
        }

        var end = tokens.Count;
        while (end > 0 && (Dropped.Contains(tokens[end - 1]) || DroppedAtTheEnd.Contains(tokens[end - 1])))
        {
            end--;
        }

        return string.Join(' ', tokens.Take(end).Where(t => !Dropped.Contains(t)));
    }

    /// <summary>The tokens of a normal form in order, so word order does not matter ("Technologies Huawei").</summary>
    public static string TokenSorted(string normalized) =>
        string.Join(' ', normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

    // Accents, other scripts and ligatures to ASCII by AnyAscii's tables ("Société" -> "Societe", "Straße" -> "Strasse",
    // Cyrillic and Greek romanised). The services run in invariant-globalisation mode, where string.Normalize cannot
    // decompose accented letters, so it is not used here.
    private static string Fold(string name) => name.Transliterate();
}
