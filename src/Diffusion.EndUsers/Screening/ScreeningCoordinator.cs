using System.Security.Cryptography;
using Diffusion.Common.V1;
using Diffusion.EndUsers.Screening.Matching;
using Diffusion.Screening.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace Diffusion.EndUsers.Screening;

/// <summary>A request to clear names an entry the current list does not hold.</summary>
internal sealed class UnknownEntryException(string message) : Exception(message);

/// <summary>Screening was asked for before any restricted-party list was loaded (FAILED_PRECONDITION).</summary>
internal sealed class NoListLoadedException() : Exception("no restricted-party list is loaded");

/// <summary>
/// Restricted-party screening: the newest list loaded (by publication date) is indexed once and shared; each screening
/// reports every match with the entry's list, Federal Register citation, licence requirement and review policy; an
/// officer's clearance of an entry for a party id takes that match out of the verdict (who, when, why shown). Kept
/// screenings of open orders are re-screened when a newer list is loaded.
/// </summary>
internal sealed partial class ScreeningCoordinator(
    ScreeningStore store, TimeProvider time, IOptions<EndUsersOptions> options, ILogger<ScreeningCoordinator> logger)
{
    // Entity List: 15 CFR 744.11 (criteria) and Supp. 4 to part 744 (the list, each entry's licence requirement and
    // review policy); other CSL lists carry their own legal effect (the CSL gives none), so a match on them is held.
    private const string EntityListCitation = "15 CFR 744.11; 15 CFR 744 Supp. 4";
    private readonly SemaphoreSlim _reload = new(1, 1);
    private (long ListId, PartyScreener Screener)? _current;

    /// <summary>The similarity at or above which a name matches.</summary>
    public double Threshold => options.Value.ScreeningMatchThreshold;

    /// <summary>Screens <paramref name="parties"/> against the newest list; keeps the result under <paramref name="orderId"/> if given.</summary>
    public async Task<Diffusion.Screening.V1.Screening> ScreenAsync(string orderId, IReadOnlyList<ScreenedPartyRecord> parties, CancellationToken cancellationToken)
    {
        var (listId, screener) = await CurrentAsync(cancellationToken) ?? throw new NoListLoadedException();
        var result = await EvaluateAsync(orderId, parties, listId, screener, cancellationToken);
        if (orderId.Length > 0)
        {
            await store.SaveScreeningAsync(orderId, parties, listId, (int)result.Verdict, result.ToByteArray(), time.GetUtcNow(), cancellationToken);
        }

        return result;
    }

    /// <summary>Loads a published list; re-screens open orders when it is the newest.</summary>
    public async Task<LoadListResponse> LoadAsync(RestrictedPartyList list, byte[] content, string source, string loadedBy, CancellationToken cancellationToken)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        var (listId, added) = await store.AddListAsync(list, source, loadedBy, sha, time.GetUtcNow(), cancellationToken);
        var newest = await store.NewestListIdAsync(cancellationToken);
        var response = new LoadListResponse
        {
            ListId = listId,
            Entries = (uint)list.Entries.Count,
            PublishedAt = Timestamp.FromDateTimeOffset(list.PublishedAt),
            Current = newest == listId,
            AlreadyLoaded = !added,
        };
        Log.Loaded(logger, listId, list.Entries.Count, list.PublishedAt, added);
        if (newest != listId)
        {
            return response;
        }

        var (currentId, screener) = (await CurrentAsync(cancellationToken))!.Value;
        foreach (var open in await store.OpenScreeningsBeforeAsync(currentId, cancellationToken))
        {
            var before = Diffusion.Screening.V1.Screening.Parser.ParseFrom(open.Result);
            var after = await EvaluateAsync(open.OrderId, open.Parties, currentId, screener, cancellationToken);
            await store.SaveScreeningAsync(open.OrderId, open.Parties, currentId, (int)after.Verdict, after.ToByteArray(), time.GetUtcNow(), cancellationToken);
            if (after.Verdict != before.Verdict)
            {
                response.Rescreened.Add(after);
            }
        }

        return response;
    }

    /// <summary>Records an officer's clearance of <paramref name="entryId"/> for <paramref name="partyId"/>.</summary>
    public async Task<ClearanceRecord> ClearAsync(string partyId, string entryId, string officer, string reason, CancellationToken cancellationToken)
    {
        var (_, screener) = await CurrentAsync(cancellationToken) ?? throw new UnknownEntryException("no restricted-party list is loaded");
        if (!screener.List.Entries.Any(e => e.Id == entryId))
        {
            throw new UnknownEntryException($"the list published {screener.List.PublishedAt:yyyy-MM-dd} has no entry '{entryId}'");
        }

        // PostgreSQL keeps microseconds: the answer carries the instant as it will be read back (ListClearances).
        var now = time.GetUtcNow();
        var clearance = new ClearanceRecord(partyId, entryId, officer, reason, now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond)));
        await store.AddClearanceAsync(clearance, cancellationToken);
        Log.Cleared(logger, entryId, officer);
        return clearance;
    }

    private async Task<Diffusion.Screening.V1.Screening> EvaluateAsync(
        string orderId, IReadOnlyList<ScreenedPartyRecord> parties, long listId, PartyScreener screener, CancellationToken cancellationToken)
    {
        var matches = screener.Screen([.. parties.Select(p => new ScreenedParty(p.Role, p.Name, p.Address, p.Country))], Threshold);
        var ids = parties.Select(p => p.Id).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var clearances = ids.Count == 0 ? [] : await store.ClearancesAsync(ids, cancellationToken);
        var result = new Diffusion.Screening.V1.Screening
        {
            OrderId = orderId,
            ListId = listId,
            ListPublishedAt = Timestamp.FromDateTimeOffset(screener.List.PublishedAt),
            Threshold = Threshold,
            ScreenedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
            Open = true,
        };
        var published = $"{screener.List.PublishedAt:yyyy-MM-dd}";
        foreach (var m in matches)
        {
            var party = parties[m.PartyIndex];
            var clearance = clearances.FirstOrDefault(c => c.ConsigneeId == party.Id && c.EntryId == m.Entry.Id);
            var match = new Match
            {
                PartyIndex = (uint)m.PartyIndex,
                PartyRole = party.Role,
                EntryId = m.Entry.Id,
                EntryName = m.Entry.Name,
                MatchedName = m.MatchedName,
                Score = Math.Round(m.Score, 4),
                Exact = m.Exact,
                Source = m.Entry.Source,
                FederalRegisterNotice = m.Entry.FederalRegisterNotice,
                LicenseRequirement = m.Entry.LicenseRequirement,
                LicensePolicy = m.Entry.LicensePolicy,
                StartDate = m.Entry.StartDate,
                OnEntityList = m.Entry.OnEntityList,
                Cleared = clearance is not null,
            };
            if (clearance is not null)
            {
                match.Clearance = ToProto(clearance);
            }

            result.Matches.Add(match);
            result.Reasons.Add(ReasonFor(party, m, clearance, published));
        }

        var live = result.Matches.Where(m => !m.Cleared).ToList();
        result.Verdict = live.Any(m => m.Exact) ? ScreeningVerdict.Match
            : live.Count > 0 ? ScreeningVerdict.PossibleMatch
            : ScreeningVerdict.Clear;
        if (result.Verdict == ScreeningVerdict.Clear)
        {
            result.Reasons.Add(new Reason
            {
                Code = "SCREENING.CLEAR",
                Message = $"{parties.Count} part{(parties.Count == 1 ? "y" : "ies")} screened against {screener.List.Entries.Count} entries of the list published {published}: " +
                    $"no uncleared name at or above the {Threshold:0.00} similarity threshold",
                Citation = "Consolidated Screening List (International Trade Administration); 15 CFR 744 Supp. 4",
                Confidence = "G",
            });
        }

        return result;
    }

    private static Reason ReasonFor(ScreenedPartyRecord party, PartyMatch m, ClearanceRecord? clearance, string published)
    {
        var who = $"{party.Role} '{party.Name}'";
        var entry = $"'{m.Entry.Name}' ({m.Entry.Id}{(m.MatchedName != m.Entry.Name ? $", matched alias '{m.MatchedName}'" : "")}) on the {m.Entry.Source}" +
            $"{(m.Entry.StartDate.Length > 0 ? $", listed {m.Entry.StartDate}" : "")}{(m.Entry.FederalRegisterNotice.Length > 0 ? $" by {m.Entry.FederalRegisterNotice}" : "")}" +
            $" (list published {published})";
        var citation = string.Join("; ", new[] { m.Entry.OnEntityList ? EntityListCitation : "Consolidated Screening List (International Trade Administration)", m.Entry.FederalRegisterNotice }.Where(s => s.Length > 0));
        if (clearance is not null)
        {
            return new Reason
            {
                Code = "SCREENING.CLEARED",
                Message = $"{who} resembles {entry}; cleared as a false positive for party {clearance.ConsigneeId} by {clearance.Officer} at {clearance.ClearedAt:u}: {clearance.Reason}",
                Citation = citation,
                Confidence = "G",
            };
        }

        var terms = m.Entry.OnEntityList
            ? $"; licence requirement: {Or(m.Entry.LicenseRequirement)}; review policy: {Or(m.Entry.LicensePolicy)}"
            : "";
        return new Reason
        {
            Code = m.Exact ? (m.Entry.OnEntityList ? "SCREENING.ENTITY_LIST" : "SCREENING.LISTED") : "SCREENING.POSSIBLE_MATCH",
            Message = m.Exact
                ? $"{who} is {entry}{terms}"
                : $"{who} may be {entry} (name similarity {m.Score:0.000}, threshold at or above which a name is held){terms}",
            Citation = citation,
            Confidence = "G",
        };
    }

    private static string Or(string text) => text.Length > 0 ? text : "not stated in the list";

    internal static Clearance ToProto(ClearanceRecord c) => new()
    {
        ConsigneeId = c.ConsigneeId,
        EntryId = c.EntryId,
        Officer = c.Officer,
        Reason = c.Reason,
        ClearedAt = Timestamp.FromDateTimeOffset(c.ClearedAt),
    };

    private async Task<(long ListId, PartyScreener Screener)?> CurrentAsync(CancellationToken cancellationToken)
    {
        var newest = await store.NewestListIdAsync(cancellationToken);
        if (newest is not { } id)
        {
            return null;
        }

        if (_current is { } current && current.ListId == id)
        {
            return current;
        }

        await _reload.WaitAsync(cancellationToken);
        try
        {
            if (_current is not { } loaded || loaded.ListId != id)
            {
                var stored = await store.GetListAsync(id, cancellationToken);
                _current = (id, new PartyScreener(stored.List));
            }

            return _current;
        }
        finally
        {
            _reload.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Screening list {ListId}: {Entries} entries published {PublishedAt:u} (new: {Added})")]
        public static partial void Loaded(ILogger logger, long listId, int entries, DateTimeOffset publishedAt, bool added);

        [LoggerMessage(2, LogLevel.Information, "Screening entry {EntryId} cleared for a party by {Officer}")]
        public static partial void Cleared(ILogger logger, string entryId, string officer);
    }
}
