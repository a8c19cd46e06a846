using System.Diagnostics;
using System.Globalization;
using Diffusion.Quota.Reservations;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Diffusion.Quota.Storage;

/// <summary>
/// Knows whether this replica may trust Redis, and rebuilds Redis from the ledger when it may not.
/// </summary>
/// <remarks>
/// <para><b>Why nothing acknowledged is lost and nothing beyond a cap is granted.</b> The rule is that Redis may
/// hold more than the ledger says is held, never less:</para>
/// <list type="number">
/// <item>Reserve holds in Redis first (the Lua script is the cap check), then writes the ledger, then answers. A
/// crash or ledger failure between the two leaves an over-count in Redis, never a grant the ledger lacks; the
/// sweeper returns such orphan holds after their expiry (see <see cref="ExpirySweeper"/>). A failed ledger write is
/// never undone in Redis on the spot: a COMMIT whose answer was lost may have committed.</item>
/// <item>Commit, Release and expiry are decided in the ledger first, then applied to Redis. A crash in between
/// leaves Redis holding TPP the ledger has returned (over-count again) until the sweeper re-applies the ledger's
/// state at the reservation's expiry.</item>
/// <item>Redis runs without persistence; a restarted Redis is empty and has no epoch key, so every script refuses
/// (NOTREADY) until a rebuild loads the ledger's pending and committed totals and the pending reservations.</item>
/// </list>
/// <para><b>Fencing.</b> A rebuild and in-flight reserves of other replicas race: replica A holds in Redis at epoch E,
/// Redis restarts, replica B rebuilds from the ledger without A's row, then A's ledger write lands: the ledger would
/// hold a reservation rebuilt Redis does not count. Therefore the ledger keeps the epoch too (table <c>fence</c>):
/// a rebuild takes the fence row <c>FOR UPDATE</c>, bumps it to E+1, reads the ledger and loads Redis in that same
/// transaction; every ledger reservation write takes the row <c>FOR SHARE</c> and is rejected unless the epoch its
/// Redis hold was made in equals the fence. A's write either commits before B locks the fence (B's reads, taken
/// after the lock in READ COMMITTED, see it) or waits for B's commit and is then rejected as stale (A answers
/// UNAVAILABLE; its hold died with the old Redis contents). Redis itself learns the new epoch only after the ledger
/// committed it, through a marker only this rebuild knows, so a Redis that restarts again mid-rebuild never looks
/// ready. Chosen over an advisory lock because the fence needs no session to stay alive and the check rides in the
/// ledger transaction that must happen anyway.</para>
/// <para><b>What a rebuild reads.</b> Not every reservation: the per-bucket totals (<c>bucket_totals</c>) and the
/// pending reservations with their draws (<c>pending_reservations</c>) that the ledger's triggers change in the
/// transaction of every reservation write (migration 0002). Every such write holds the fence <c>FOR SHARE</c>, so
/// under the rebuild's <c>FOR UPDATE</c> both are exactly the reservations' sums and pending rows: the rebuilt Redis
/// counts what the ledger holds, and the argument above is unchanged.</para>
/// </remarks>
internal sealed partial class RecoveryCoordinator(
    RedisQuotaStore redis,
    IConnectionMultiplexer multiplexer,
    NpgsqlDataSource dataSource,
    TimeProvider time,
    IOptions<QuotaOptions> options,
    ILogger<RecoveryCoordinator> logger)
{
    /// <summary>Pending reservations sent to Redis as one chunk of pipelined commands during a rebuild.</summary>
    private const int PendingPerChunk = 1000;

    /// <summary>Chunks sent and not yet answered while the next rows are read.</summary>
    private const int ChunksInFlight = 8;

    private readonly Lock gate = new();
    private Task<long>? verifying;
    private long readyEpoch = -1;

    /// <summary>The epoch this replica last verified, or -1 when it must check again.</summary>
    public long ReadyEpoch => Interlocked.Read(ref readyEpoch);

    /// <summary>How many rebuilds this replica ran (tests, metrics).</summary>
    public int RebuildCount => Volatile.Read(ref rebuildCount);

    private int rebuildCount;

    /// <summary>
    /// The epoch to run scripts with; verifies Redis or rebuilds it first when needed. One verification runs at a
    /// time per replica, not tied to any caller's cancellation; callers wait for it at most
    /// <see cref="QuotaOptions.ReadyWaitMilliseconds"/> (<paramref name="wait"/> overrides), then get UNAVAILABLE.
    /// </summary>
    public async Task<long> EnsureReadyAsync(CancellationToken cancellationToken, TimeSpan? wait = null)
    {
        var epoch = ReadyEpoch;
        if (epoch >= 0)
        {
            return epoch;
        }

        Task<long> task;
        lock (gate)
        {
            task = verifying ??= Task.Run(VerifyAsync, CancellationToken.None);
        }

        try
        {
            return await task.WaitAsync(wait ?? options.Value.ReadyWait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new QuotaException(QuotaErrorKind.Unavailable, "quota state is being rebuilt from the ledger; retry");
        }
        catch (Exception e) when (e is RedisException or NpgsqlException or InvalidOperationException)
        {
            throw new QuotaException(QuotaErrorKind.Unavailable, "quota state unavailable: " + e.Message, e);
        }
    }

    private async Task<long> VerifyAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            var epoch = await VerifyOrRebuildAsync(timeout.Token);
            Interlocked.Exchange(ref readyEpoch, epoch);
            return epoch;
        }
        catch (Exception e)
        {
            Log.NotReady(logger, e);
            throw;
        }
        finally
        {
            lock (gate)
            {
                verifying = null;
            }
        }
    }

    /// <summary>A script saw another epoch than <paramref name="epoch"/>: check again before the next call.</summary>
    public void Invalidate(long epoch) => Interlocked.CompareExchange(ref readyEpoch, -1, epoch);

    /// <summary>Compares Redis's epoch key with ours (cheap; the background monitor calls it).</summary>
    public async Task CheckAsync()
    {
        var epoch = ReadyEpoch;
        if (epoch < 0)
        {
            return;
        }

        var current = await redis.ReadEpochAsync();
        if (current != epoch.ToString(CultureInfo.InvariantCulture))
        {
            Invalidate(epoch);
        }
    }

    private async Task<long> VerifyOrRebuildAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            long fence;
            await using (var command = new NpgsqlCommand("SELECT epoch FROM fence WHERE id = 1", connection))
            {
                fence = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            }

            var current = await redis.ReadEpochAsync();
            if (current == fence.ToString(CultureInfo.InvariantCulture))
            {
                return fence;
            }

            // Another replica is rebuilding (its marker names the epoch it will set): wait for it a little.
            if (current is not null && current.StartsWith("rebuilding:", StringComparison.Ordinal) && deadline.Elapsed < TimeSpan.FromSeconds(2))
            {
                await Task.Delay(100, cancellationToken);
                continue;
            }

            var rebuilt = await RebuildAsync(connection, cancellationToken);
            if (rebuilt is { } epoch)
            {
                return epoch;
            }
        }
    }

    /// <summary>Rebuilds Redis from the ledger under the fence lock; null when another replica finished first.</summary>
    private async Task<long?> RebuildAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var fence = await Ledger.ReadFenceAsync(connection, transaction, share: false, cancellationToken);
        var current = await redis.ReadEpochAsync();
        if (current == fence.ToString(CultureInfo.InvariantCulture))
        {
            await transaction.RollbackAsync(cancellationToken);
            return fence;
        }

        var epoch = fence + 1;
        var marker = $"rebuilding:{epoch.ToString(CultureInfo.InvariantCulture)}:{Guid.NewGuid():N}";
        var db = multiplexer.GetDatabase();
        var keys = redis.Keys;
        await db.StringSetAsync(keys.Epoch, marker);
        await DeleteQuotaKeysAsync(db, keys);

        // Officer caps and the bucket set.
        var writes = new List<Task>(4096);
        await using (var command = new NpgsqlCommand("SELECT bucket_id, cap FROM buckets", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var bucket = reader.GetString(0);
                writes.Add(db.SetAddAsync(keys.Buckets, bucket));
                if (!reader.IsDBNull(1))
                {
                    writes.Add(db.HashSetAsync(keys.Bucket(bucket), "cap", reader.GetInt64(1)));
                }

                await FlushIfFullAsync(writes);
            }
        }

        var capsMs = watch.ElapsedMilliseconds;
        // Committed and pending per bucket, as the ledger keeps them (one row per bucket and shard, migration 0002).
        await using (var command = new NpgsqlCommand(LedgerStatements.RebuildTotals, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var bucket = reader.GetString(0);
                writes.Add(db.HashSetAsync(keys.Bucket(bucket), [new HashEntry("committed", reader.GetInt64(1)), new HashEntry("pending", reader.GetInt64(2))]));
                writes.Add(db.SetAddAsync(keys.Buckets, bucket));
                await FlushIfFullAsync(writes);
            }
        }

        await Task.WhenAll(writes);
        var totalsMs = watch.ElapsedMilliseconds - capsMs;

        // Pending reservations: their records and the expiry index, so commit, release and expiry work on them.
        // Chunks of records go to Redis while the next rows are read; a few chunks in flight keep both sides busy.
        var pending = 0;
        var redisWaitMs = 0L;
        var sendTicks = 0L;
        var inFlight = new Queue<Task>();
        await using (var command = new NpgsqlCommand(LedgerStatements.SelectPending, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var rows = new List<PendingHold>(PendingPerChunk);
            while (true)
            {
                var more = await reader.ReadAsync(cancellationToken);
                if (more)
                {
                    rows.Add(ReadPendingHold(reader));
                    pending++;
                }

                if (rows.Count == PendingPerChunk || (!more && rows.Count > 0))
                {
                    var sendStart = Stopwatch.GetTimestamp();
                    inFlight.Enqueue(redis.LoadPendingAsync(epoch, rows));
                    sendTicks += Stopwatch.GetTimestamp() - sendStart;
                    rows = new List<PendingHold>(PendingPerChunk);
                    if (inFlight.Count > ChunksInFlight)
                    {
                        var waitStart = watch.ElapsedMilliseconds;
                        await inFlight.Dequeue();
                        redisWaitMs += watch.ElapsedMilliseconds - waitStart;
                    }
                }

                if (!more)
                {
                    break;
                }
            }
        }

        var lastWait = watch.ElapsedMilliseconds;
        await Task.WhenAll(inFlight);
        redisWaitMs += watch.ElapsedMilliseconds - lastWait;
        await using (var command = new NpgsqlCommand("UPDATE fence SET epoch = $1, rebuilt_at = $2 WHERE id = 1", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = epoch });
            command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        var finished = (int)await db.ScriptEvaluateAsync(RedisScripts.FinishRebuild, [keys.Epoch], [marker, epoch]);
        if (finished != 1)
        {
            // Redis restarted again during the rebuild: what we loaded is gone or partial. Go round again.
            Log.RebuildLost(logger, epoch);
            return null;
        }

        Interlocked.Increment(ref rebuildCount);
        Log.Rebuilt(logger, epoch, pending, watch.ElapsedMilliseconds, capsMs, totalsMs, (long)Stopwatch.GetElapsedTime(0, sendTicks).TotalMilliseconds, redisWaitMs);
        return epoch;
    }

    private static PendingHold ReadPendingHold(NpgsqlDataReader reader)
    {
        var buckets = reader.GetFieldValue<string[]>(4);
        var tpps = reader.GetFieldValue<long[]>(5);
        var draws = new Draw[buckets.Length];
        for (var i = 0; i < draws.Length; i++)
        {
            draws[i] = new Draw(buckets[i], tpps[i]);
        }

        return new PendingHold(reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), draws);
    }

    private static async Task FlushIfFullAsync(List<Task> batch)
    {
        if (batch.Count >= 4096)
        {
            await Task.WhenAll(batch);
            batch.Clear();
        }
    }

    private static async Task DeleteQuotaKeysAsync(IDatabase db, RedisKeys keys)
    {
        // SCAN and UNLINK in one script per step: one round trip per 1,000 keys; a restarted Redis has nothing to delete.
        var cursor = "0";
        do
        {
            cursor = (string)(await db.ScriptEvaluateAsync(RedisScripts.DeleteKeys, [keys.Epoch], [cursor, keys.Prefix + "*"]))!;
        }
        while (cursor != "0");
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Redis rebuilt from the ledger at epoch {Epoch}: {Pending} pending reservations in {ElapsedMs} ms (clear and caps {CapsMs} ms, totals {TotalsMs} ms, the rest pending records: read from the ledger, {SendMs} ms handing commands to the Redis client, {RedisWaitMs} ms waiting for Redis)")]
        public static partial void Rebuilt(ILogger logger, long epoch, int pending, long elapsedMs, long capsMs, long totalsMs, long sendMs, long redisWaitMs);

        [LoggerMessage(2, LogLevel.Warning, "Redis restarted during the rebuild to epoch {Epoch}; rebuilding again")]
        public static partial void RebuildLost(ILogger logger, long epoch);

        [LoggerMessage(3, LogLevel.Warning, "Quota state not ready")]
        public static partial void NotReady(ILogger logger, Exception exception);
    }
}
