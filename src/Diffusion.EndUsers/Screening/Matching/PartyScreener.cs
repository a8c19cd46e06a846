using F23.StringSimilarity;

namespace Diffusion.EndUsers.Screening.Matching;

/// <summary>A party of an order to screen: the consignee, or a named intermediate consignee or end user.</summary>
/// <param name="Role">"consignee", "intermediate_consignee", "end_user", ...</param>
/// <param name="Name">Its name as the order gives it.</param>
/// <param name="Address">Its address, if given (reported, not yet matched).</param>
/// <param name="Country">Its ISO 3166-1 alpha-2 country, if given.</param>
public sealed record ScreenedParty(string Role, string Name, string Address, string Country);

/// <summary>A list entry that a party's name matches.</summary>
/// <param name="PartyIndex">Which party (index into the screened parties).</param>
/// <param name="Entry">The list entry.</param>
/// <param name="MatchedName">The entry's name or alias that scored best.</param>
/// <param name="Score">Jaro-Winkler similarity of the normal forms, 0..1 (1 for an exact match).</param>
/// <param name="Exact">The normal forms are equal (case, punctuation, accents and legal forms aside).</param>
public sealed record PartyMatch(int PartyIndex, RestrictedParty Entry, string MatchedName, double Score, bool Exact);

/// <summary>
/// Screens names against one list. Each entry's name and aliases are compared, after <see cref="PartyName"/>
/// normalisation, by Jaro-Winkler similarity (F23.StringSimilarity, the java-string-similarity port) in word order and
/// with words sorted; the higher counts. A score at or above the threshold is a match; equal normal forms are exact.
/// Built once per list; immutable and shared.
/// </summary>
public sealed class PartyScreener
{
    /// <summary>At most this many matches per party are reported (the best).</summary>
    public const int MaxMatchesPerParty = 10;

    private readonly (RestrictedParty Entry, (string Original, string Normal, string Sorted)[] Names)[] _index;
    private readonly JaroWinkler _similarity = new();

    /// <summary>Indexes <paramref name="list"/>.</summary>
    public PartyScreener(RestrictedPartyList list)
    {
        ArgumentNullException.ThrowIfNull(list);
        List = list;
        _index = [.. list.Entries.Select(e => (e, new[] { e.Name }.Concat(e.AltNames)
            .Select(n => (Original: n, Normal: PartyName.Normalize(n)))
            .Where(n => n.Normal.Length > 0)
            .Select(n => (n.Original, n.Normal, PartyName.TokenSorted(n.Normal)))
            .ToArray()))];
    }

    /// <summary>The list screened against.</summary>
    public RestrictedPartyList List { get; }

    /// <summary>Every entry matching any party at or above <paramref name="threshold"/>, best first per party.</summary>
    public IReadOnlyList<PartyMatch> Screen(IReadOnlyList<ScreenedParty> parties, double threshold)
    {
        ArgumentNullException.ThrowIfNull(parties);
        var matches = new List<PartyMatch>();
        for (var p = 0; p < parties.Count; p++)
        {
            var normal = PartyName.Normalize(parties[p].Name);
            if (normal.Length == 0)
            {
                continue;
            }

            var sorted = PartyName.TokenSorted(normal);
            var found = new List<PartyMatch>();
            foreach (var (entry, names) in _index)
            {
                PartyMatch? best = null;
                foreach (var (original, entryNormal, entrySorted) in names)
                {
                    var exact = entryNormal == normal || entrySorted == sorted;
                    var score = exact ? 1.0 : Math.Max(_similarity.Similarity(normal, entryNormal), _similarity.Similarity(sorted, entrySorted));
                    if (score >= threshold && (best is null || score > best.Score))
                    {
                        best = new PartyMatch(p, entry, original, score, exact);
                    }
                }

                if (best is not null)
                {
                    found.Add(best);
                }
            }

            matches.AddRange(found.OrderByDescending(m => m.Score).ThenBy(m => m.Entry.Id, StringComparer.Ordinal).Take(MaxMatchesPerParty));
        }

        return matches;
    }
}
