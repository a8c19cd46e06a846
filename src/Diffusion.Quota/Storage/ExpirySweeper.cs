using Diffusion.Quota.Reservations;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using StackExchange.Redis;

namespace Diffusion.Quota.Storage;

/// <summary>
/// Runs on every replica: returns expired reservations' TPP (quota invariant 4, docs/quota-invariants.md), returns orphan holds, and
/// notices when Redis lost this replica's epoch (restart) so it is rebuilt even when no request comes.
/// </summary>
/// <remarks>
/// Each round: (1) the ledger marks due pending reservations expired (<c>FOR UPDATE SKIP LOCKED</c>, so replicas
/// split the work and no row is expired twice) and each is applied to Redis (idempotent: the script acts only on a
/// pending record with the same attempt token). (2) Redis holds whose expiry passed more than
/// <see cref="QuotaOptions.OrphanGraceSeconds"/> ago are reconciled with the ledger: the ledger's state is applied
/// to Redis; a hold the ledger has no row for (its Reserve failed between Redis and the ledger) gets an expired row
/// first, so a late write of that Reserve can no longer land, and is then returned. The ledger thus records every
/// expiry, and Redis follows the ledger.
/// </remarks>
internal sealed partial class ExpirySweeper(
    RedisQuotaStore redis,
    Ledger ledger,
    LedgerWriter writer,
    RecoveryCoordinator recovery,
    QuotaEngine engine,
    TimeProvider time,
    IOptions<QuotaOptions> options,
    ILogger<ExpirySweeper> logger) : BackgroundService
{
    /// <summary>Reservations this replica expired (tests, metrics).</summary>
    public long Expired => Interlocked.Read(ref expired);

    private long expired;

    /// <summary>One round; returns how many reservations it expired or reconciled.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        await recovery.CheckAsync();
        var epoch = await recovery.EnsureReadyAsync(cancellationToken);
        var now = time.GetUtcNow();
        var count = 0;

        foreach (var row in await ledger.ExpireDueAsync(now, 500, cancellationToken))
        {
            await engine.ApplyBestEffortAsync(epoch, row, row.Token, ReservationState.Expired);
            count++;
        }

        var due = await redis.DueAsync(now - options.Value.OrphanGrace, 200);
        if (due.Count > 0)
        {
            var rows = await ledger.FindAsync(due, cancellationToken);
            foreach (var id in due)
            {
                var record = await redis.ReadRecordAsync(id, now);
                if (record is null || record.State != ReservationState.Pending)
                {
                    await redis.RemoveFromExpiryAsync(id);
                    continue;
                }

                if (!rows.TryGetValue(id, out var row))
                {
                    try
                    {
                        row = await writer.InsertAsync(record with { State = ReservationState.Expired, CreatedAt = now }, cancellationToken);
                    }
                    catch (StaleEpochException)
                    {
                        recovery.Invalidate(epoch);
                        return count;
                    }

                    Log.Orphan(logger, id);
                }

                if (row.Token != record.Token)
                {
                    await engine.ApplyBestEffortAsync(epoch, record, record.Token, ReservationState.Expired);
                }
                else if (row.State != ReservationState.Pending)
                {
                    await engine.ApplyBestEffortAsync(epoch, row, row.Token, row.State);
                }

                count++;
            }
        }

        Interlocked.Add(ref expired, count);
        return count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            // The sweep runs twice a second on every replica; traced, its ledger and Redis calls would bury the
            // dashboard's traces of real requests (hundreds of traces a minute). What it expires is logged instead.
            using var untraced = SuppressInstrumentationScope.Begin();
            try
            {
                int count;
                do
                {
                    count = await SweepOnceAsync(stoppingToken);
                    if (count > 0)
                    {
                        Log.Expired(logger, count);
                    }
                }
                while (count >= 500); // a backlog: keep going without waiting for the next tick
            }
            catch (Exception e) when (e is QuotaException or RedisException or NpgsqlException or TimeoutException)
            {
                Log.SweepFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Reservation {ReservationId}: hold without a ledger row returned as expired")]
        public static partial void Orphan(ILogger logger, string reservationId);

        [LoggerMessage(2, LogLevel.Debug, "Sweep skipped: {Problem}")]
        public static partial void SweepFailed(ILogger logger, string problem);

        [LoggerMessage(3, LogLevel.Information, "Sweep returned {Count} expired or orphaned holds to their buckets")]
        public static partial void Expired(ILogger logger, int count);
    }
}
