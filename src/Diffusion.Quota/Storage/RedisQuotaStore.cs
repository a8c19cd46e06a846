using Diffusion.Quota.Reservations;
using StackExchange.Redis;

namespace Diffusion.Quota.Storage;

/// <summary>Result of the Reserve script.</summary>
internal abstract record RedisReserveResult
{
    /// <summary>Redis does not hold the expected epoch (restarted, rebuilding, or rebuilt by another replica).</summary>
    public sealed record NotReady(string CurrentEpoch) : RedisReserveResult;

    /// <summary>This call made the record: the outcome and the balances it saw (after the hold).</summary>
    public sealed record Made(Reservation Record, IReadOnlyList<(long Cap, long Committed, long Pending)> Balances) : RedisReserveResult;

    /// <summary>A record with this id was already there (a retry, or a concurrent call with the same id).</summary>
    public sealed record Existing(Reservation Record) : RedisReserveResult;
}

/// <summary>Result of applying a ledger decision to a Redis reservation record.</summary>
internal enum ApplyResult
{
    NotReady,
    Missing,
    OtherAttempt,
    Same,
    Conflict,
    Applied,
}

/// <summary>
/// Redis as the concurrency gate: every change goes through one Lua script (<see cref="RedisScripts"/>), called with
/// StackExchange.Redis's async API only (the sync API starves the thread pool under load). Every script checks the
/// fencing epoch first and does nothing when Redis is not the state the caller expects.
/// </summary>
internal sealed class RedisQuotaStore(IConnectionMultiplexer multiplexer, RedisKeys keys)
{
    private IDatabase Db => multiplexer.GetDatabase();

    public RedisKeys Keys => keys;

    /// <summary>Runs the Reserve script: all-or-nothing hold over <paramref name="draws"/> at <paramref name="epoch"/>.</summary>
    public async Task<RedisReserveResult> ReserveAsync(
        long epoch,
        string reservationId,
        string fingerprint,
        DateTimeOffset expiresAt,
        Guid token,
        IReadOnlyList<Draw> draws,
        IReadOnlyList<long> ruleCaps,
        TimeSpan refusalRetention,
        DateTimeOffset now)
    {
        var redisKeys = new RedisKey[4 + draws.Count];
        redisKeys[0] = keys.Epoch;
        redisKeys[1] = keys.Reservation(reservationId);
        redisKeys[2] = keys.Expiry;
        redisKeys[3] = keys.Buckets;
        var args = new RedisValue[5 + 3 * draws.Count];
        args[0] = epoch;
        args[1] = reservationId;
        args[2] = RedisRecord.Tail(token, expiresAt, epoch, draws, fingerprint);
        args[3] = expiresAt.ToUnixTimeMilliseconds();
        args[4] = (long)refusalRetention.TotalSeconds;
        for (var i = 0; i < draws.Count; i++)
        {
            redisKeys[4 + i] = keys.Bucket(draws[i].BucketId);
            args[5 + 3 * i] = draws[i].BucketId;
            args[6 + 3 * i] = draws[i].Tpp;
            args[7 + 3 * i] = ruleCaps[i];
        }

        var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(RedisScripts.Reserve, redisKeys, args))!;
        var kind = (string)reply[0]!;
        switch (kind)
        {
            case "NOTREADY":
                return new RedisReserveResult.NotReady((string?)reply[1] ?? "");
            case "EXISTS":
                return new RedisReserveResult.Existing(RedisRecord.Parse(reservationId, (string)reply[1]!, now));
            default:
                var outcome = (ReserveOutcome)(int)reply[1];
                var balances = Triples(reply, 2, draws.Count);

                var record = new Reservation(
                    reservationId,
                    token,
                    outcome == ReserveOutcome.Reserved ? ReservationState.Pending : ReservationState.Refused,
                    outcome,
                    fingerprint,
                    DateTimeOffset.FromUnixTimeMilliseconds(expiresAt.ToUnixTimeMilliseconds()),
                    epoch,
                    draws,
                    now);
                return new RedisReserveResult.Made(record, balances);
        }
    }

    /// <summary>
    /// Applies a ledger decision (<paramref name="target"/>) to the record of <paramref name="reservation"/>'s attempt;
    /// returns what happened and the reservation's buckets afterwards (officer cap or -1, committed, pending), in draw order.
    /// </summary>
    public async Task<(ApplyResult Result, IReadOnlyList<(long OfficerCap, long Committed, long Pending)> Buckets)> ApplyAsync(
        long epoch, Reservation reservation, Guid token, ReservationState target, TimeSpan retention)
    {
        var redisKeys = new RedisKey[3 + reservation.Draws.Count];
        redisKeys[0] = keys.Epoch;
        redisKeys[1] = keys.Reservation(reservation.Id);
        redisKeys[2] = keys.Expiry;
        var args = new RedisValue[5 + reservation.Draws.Count];
        args[0] = epoch;
        args[1] = token.ToString("N");
        args[2] = (int)target;
        args[3] = (long)retention.TotalSeconds;
        args[4] = reservation.Id;
        for (var i = 0; i < reservation.Draws.Count; i++)
        {
            redisKeys[3 + i] = keys.Bucket(reservation.Draws[i].BucketId);
            args[5 + i] = reservation.Draws[i].Tpp;
        }

        var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(RedisScripts.Apply, redisKeys, args))!;
        var result = (string)reply[0]! switch
        {
            "NOTREADY" => ApplyResult.NotReady,
            "MISSING" => ApplyResult.Missing,
            "OTHER" => ApplyResult.OtherAttempt,
            "SAME" => ApplyResult.Same,
            "CONFLICT" => ApplyResult.Conflict,
            _ => ApplyResult.Applied,
        };
        return (result, result == ApplyResult.NotReady ? [] : Triples(reply, 1, reservation.Draws.Count));
    }

    /// <summary>Reads <paramref name="count"/> (cap, committed, pending) triples of a script's reply from <paramref name="start"/>.</summary>
    private static List<(long, long, long)> Triples(RedisResult[] reply, int start, int count)
    {
        var result = new List<(long, long, long)>(count);
        for (var i = 0; i < count; i++)
        {
            result.Add(((long)reply[start + 3 * i], (long)reply[start + 1 + 3 * i], (long)reply[start + 2 + 3 * i]));
        }

        return result;
    }

    /// <summary>Sets an officer's cap; null when not ready; otherwise whether it was set and the bucket's amounts.</summary>
    public async Task<(bool Set, long Committed, long Pending)?> SetCapAsync(long epoch, string bucketId, long cap)
    {
        var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(
            RedisScripts.SetCap,
            [keys.Epoch, keys.Bucket(bucketId), keys.Buckets],
            [epoch, cap, bucketId]))!;
        return (string)reply[0]! switch
        {
            "NOTREADY" => null,
            var kind => (kind == "SET", (long)reply[1], (long)reply[2]),
        };
    }

    /// <summary>Reads buckets: (officer cap or -1, committed, pending) per id; null when not ready.</summary>
    public async Task<IReadOnlyList<(long OfficerCap, long Committed, long Pending)>?> BalancesAsync(long epoch, IReadOnlyList<string> bucketIds)
    {
        var redisKeys = new RedisKey[1 + bucketIds.Count];
        redisKeys[0] = keys.Epoch;
        for (var i = 0; i < bucketIds.Count; i++)
        {
            redisKeys[1 + i] = keys.Bucket(bucketIds[i]);
        }

        var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(RedisScripts.Balances, redisKeys, [epoch]))!;
        if ((string)reply[0]! != "OK")
        {
            return null;
        }

        return Triples(reply, 1, bucketIds.Count);
    }

    /// <summary>
    /// Loads pending reservations' records and their expiry entries at <paramref name="epoch"/> (a rebuild): one MSET of
    /// every record of <paramref name="rows"/> (<see cref="RedisRecord"/>, as the Reserve script writes them) and one
    /// ZADD of their expiries, as plain pipelined commands: two client commands per chunk instead of one per record,
    /// because the Redis client's work per command bounded the rebuild (docs/benchmarks.md, "Rebuild at 10,000,000
    /// reservations"). No script is needed: during a rebuild the epoch key holds the rebuild's marker, so no script acts
    /// on quota keys until the rebuild has finished. MSET sets no expiry, as the Reserve script sets none on a pending
    /// record.
    /// </summary>
    public Task LoadPendingAsync(long epoch, IReadOnlyList<PendingHold> rows)
    {
        var db = Db;
        var records = new KeyValuePair<RedisKey, RedisValue>[rows.Count];
        var expiry = new SortedSetEntry[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            records[i] = new(
                keys.Reservation(row.Id),
                RedisRecord.Format(ReservationState.Pending, ReserveOutcome.Reserved, row.Token, row.ExpiresAt, epoch, row.Draws, row.Fingerprint));
            expiry[i] = new SortedSetEntry(row.Id, row.ExpiresAt.ToUnixTimeMilliseconds());
        }

        return Task.WhenAll(db.StringSetAsync(records), db.SortedSetAddAsync(keys.Expiry, expiry));
    }

    /// <summary>The epoch key's value: a number when ready, a rebuild marker, or null (empty Redis).</summary>
    public async Task<string?> ReadEpochAsync() => await Db.StringGetAsync(keys.Epoch);

    /// <summary>Every bucket id Redis knows.</summary>
    public async Task<IReadOnlyList<string>> BucketIdsAsync() =>
        [.. (await Db.SetMembersAsync(keys.Buckets)).Select(v => (string)v!)];

    /// <summary>Up to <paramref name="count"/> reservation ids whose expiry is at or before <paramref name="until"/>.</summary>
    public async Task<IReadOnlyList<string>> DueAsync(DateTimeOffset until, int count) =>
        [.. (await Db.SortedSetRangeByScoreAsync(keys.Expiry, double.NegativeInfinity, until.ToUnixTimeMilliseconds(), take: count))
            .Select(v => (string)v!)];

    /// <summary>A reservation's Redis record, or null.</summary>
    public async Task<Reservation?> ReadRecordAsync(string reservationId, DateTimeOffset now)
    {
        var value = await Db.StringGetAsync(keys.Reservation(reservationId));
        return value.IsNull ? null : RedisRecord.Parse(reservationId, value!, now);
    }

    /// <summary>How many reservations Redis holds as pending.</summary>
    public Task<long> PendingCountAsync() => Db.SortedSetLengthAsync(keys.Expiry);

    /// <summary>Deletes the epoch key: every replica then rebuilds Redis from the ledger before its next answer.</summary>
    public Task ForgetEpochAsync() => Db.KeyDeleteAsync(keys.Epoch);

    /// <summary>Removes an id from the expiry index (its record is gone or no longer pending).</summary>
    public Task RemoveFromExpiryAsync(string reservationId) => Db.SortedSetRemoveAsync(keys.Expiry, reservationId);
}
