using System.Globalization;
using Diffusion.Quota.Storage;
using Diffusion.Rules;
using Diffusion.Rules.Quotas;
using Diffusion.ServiceDefaults;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Diffusion.Quota.Reservations;

/// <summary>A validated Reserve request.</summary>
/// <param name="ReservationId">Idempotency key.</param>
/// <param name="Draws">Draws on distinct, well-formed buckets, each with 1..2^53-1 TPP.</param>
/// <param name="Ttl">How long it stays pending; null: the default.</param>
/// <param name="RuleSet">Rule set whose allocations define buckets; null or empty: the default.</param>
public sealed record ReserveCommand(string ReservationId, IReadOnlyList<Draw> Draws, TimeSpan? Ttl, string? RuleSet);

/// <summary>The answer to a Reserve: the first answer for this id (a retry gets the same outcome and expiry).</summary>
public sealed record ReserveAnswer(
    string ReservationId,
    ReserveOutcome Outcome,
    ReservationState State,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<BucketBalance> Balances,
    IReadOnlyList<Reason> Reasons);

/// <summary>The answer to Commit or Release: the reservation's state afterwards and its buckets' balances.</summary>
public sealed record TransitionAnswer(ReservationState State, IReadOnlyList<BucketBalance> Balances);

/// <summary>The answer to SetAllocation.</summary>
public sealed record SetAllocationAnswer(BucketBalance Balance, long? PreviousCap, DateTimeOffset ChangedAt);

/// <summary>One difference between Redis and the ledger.</summary>
public sealed record Discrepancy(string BucketId, string Field, long RedisValue, long LedgerValue);

/// <summary>
/// The quota operations. Redis decides (one Lua script per operation), the ledger records, and the order between them
/// keeps the quota invariants (docs/quota-invariants.md); the argument is written down on <see cref="RecoveryCoordinator"/>.
/// </summary>
internal sealed partial class QuotaEngine(
    RedisQuotaStore redis,
    LedgerWriter writer,
    Ledger ledger,
    RecoveryCoordinator recovery,
    QuotaCatalog catalog,
    TimeProvider time,
    IOptions<QuotaOptions> options,
    ILogger<QuotaEngine> logger)
{
    private const string OfficerCitation = "officer allocation (SetAllocation; see the allocation_changes audit)";

    /// <summary>
    /// Reserve: hold every draw in Redis (all or nothing), record the answer in the ledger, then answer. A retry
    /// (same id, same draws) gets the first answer, a refusal included; the same id with other draws is ALREADY_EXISTS.
    /// </summary>
    public Task<ReserveAnswer> ReserveAsync(ReserveCommand command, CancellationToken cancellationToken) =>
        Detached.RunAsync(() => ReserveCoreAsync(command), cancellationToken);

    private async Task<ReserveAnswer> ReserveCoreAsync(ReserveCommand command)
    {
        using var ticket = writer.Admit();
        var cancellationToken = CancellationToken.None;
        var now = Now();
        var asOf = DateOnly.FromDateTime(now.UtcDateTime);
        var allocations = command.Draws.Select(d => catalog.RuleAllocation(command.RuleSet, BucketId.Parse(d.BucketId), asOf)).ToList();
        var fingerprint = Reservation.FingerprintOf(command.Draws);
        var expiresAt = now + (command.Ttl ?? options.Value.DefaultTtl);
        var epoch = await recovery.EnsureReadyAsync(cancellationToken);

        var result = await RedisAsync(epoch, () => redis.ReserveAsync(
            epoch,
            command.ReservationId,
            fingerprint,
            expiresAt,
            Guid.NewGuid(),
            command.Draws,
            [.. allocations.Select(a => a?.Cap ?? -1)],
            options.Value.RecordRetention,
            now));

        Reservation record;
        IReadOnlyList<(long Cap, long Committed, long Pending)>? seen = null;
        switch (result)
        {
            case RedisReserveResult.NotReady:
                recovery.Invalidate(epoch);
                throw new QuotaException(QuotaErrorKind.Unavailable, "quota state is being rebuilt from the ledger; retry");
            case RedisReserveResult.Made made:
                record = made.Record;
                seen = made.Balances;
                break;
            default:
                record = ((RedisReserveResult.Existing)result).Record;
                if (record.Fingerprint != fingerprint)
                {
                    throw AlreadyUsed(command.ReservationId);
                }

                break;
        }

        // Durable before the answer. A failure here leaves the hold in Redis (over-count, never under-count): the
        // write may have committed even if we saw an error, so undoing it could lose an acknowledged reservation.
        Reservation row;
        try
        {
            row = await writer.InsertAsync(record, cancellationToken);
        }
        catch (StaleEpochException)
        {
            recovery.Invalidate(epoch);
            throw new QuotaException(QuotaErrorKind.Unavailable, "quota state was rebuilt while reserving; retry");
        }

        if (row.Token != record.Token)
        {
            // The ledger holds an earlier attempt under this id (Redis had forgotten it). That row is the first
            // answer; this attempt's hold belongs to nobody and goes back now.
            if (record.State == ReservationState.Pending)
            {
                await ApplyBestEffortAsync(epoch, record, record.Token, ReservationState.Expired);
            }

            if (row.Fingerprint != fingerprint)
            {
                throw AlreadyUsed(command.ReservationId);
            }

            seen = null;
        }

        var balances = seen is not null && row.Token == record.Token
            ? [.. command.Draws.Select((d, i) => new BucketBalance(d.BucketId, seen[i].Cap, seen[i].Committed, seen[i].Pending)).Where(b => b.Cap >= 0)]
            : await BalancesOrEmptyAsync(command.Draws.Select(d => d.BucketId).ToList(), command.RuleSet);
        Log.Reserved(logger, row.Id, row.Outcome);
        return new ReserveAnswer(row.Id, row.Outcome, row.State, row.ExpiresAt, balances, ReasonsFor(row, allocations, balances));
    }

    /// <summary>Commit: pending -> committed, decided in the ledger, then applied to Redis. Idempotent.</summary>
    public Task<TransitionAnswer> CommitAsync(string reservationId, CancellationToken cancellationToken) =>
        Detached.RunAsync(() => CommitCoreAsync(reservationId), cancellationToken);

    private async Task<TransitionAnswer> CommitCoreAsync(string reservationId)
    {
        var (row, balances) = await TransitionAsync(reservationId, ReservationState.Committed);
        if (row.State != ReservationState.Committed)
        {
            throw new QuotaException(
                QuotaErrorKind.FailedPrecondition,
                $"reservation_id: reservation '{reservationId}' is {StateName(row.State)}; only a pending reservation can be committed");
        }

        return new TransitionAnswer(row.State, balances);
    }

    /// <summary>Release: pending -> released (its TPP returns). Idempotent; releasing an expired or refused one answers its state.</summary>
    public Task<TransitionAnswer> ReleaseAsync(string reservationId, CancellationToken cancellationToken) =>
        Detached.RunAsync(() => ReleaseCoreAsync(reservationId), cancellationToken);

    private async Task<TransitionAnswer> ReleaseCoreAsync(string reservationId)
    {
        var (row, balances) = await TransitionAsync(reservationId, ReservationState.Released);
        if (row.State == ReservationState.Committed)
        {
            throw new QuotaException(
                QuotaErrorKind.FailedPrecondition,
                $"reservation_id: reservation '{reservationId}' is COMMITTED; committed use never returns");
        }

        return new TransitionAnswer(row.State, balances);
    }

    /// <summary>A bucket's balance; NOT_FOUND when neither the rules nor an officer define it.</summary>
    public async Task<BucketBalance> GetBalanceAsync(string bucketId, string? ruleSet, CancellationToken cancellationToken)
    {
        var epoch = await recovery.EnsureReadyAsync(cancellationToken);
        var balance = (await BalancesAsync(epoch, [bucketId], ruleSet))[0];
        return balance ?? throw new QuotaException(QuotaErrorKind.NotFound, $"bucket_id: no bucket '{bucketId}' (neither the rules nor an officer define it)");
    }

    /// <summary>Buckets that were used or given a cap, with balances.</summary>
    public async Task<IReadOnlyList<BucketBalance>> ListBucketsAsync(string prefix, string? ruleSet, CancellationToken cancellationToken)
    {
        var epoch = await recovery.EnsureReadyAsync(cancellationToken);
        var ids = (await LedgerAsync(() => ledger.BucketsAsync(prefix, cancellationToken))).Keys.ToList();
        var balances = await BalancesAsync(epoch, ids, ruleSet);
        return [.. balances.OfType<BucketBalance>()];
    }

    /// <summary>
    /// An officer creates a bucket or changes its cap; audited with who, when and why. A cap below what the bucket
    /// already holds (committed + pending) is FAILED_PRECONDITION: nothing granted is ever taken back.
    /// </summary>
    /// <remarks>
    /// Redis is changed inside the ledger's transaction (its Lua script decides "not below what the bucket holds"),
    /// so until the commit Redis may run ahead of the record. The caller's token therefore never reaches the work:
    /// a deadline cannot roll the ledger back after Redis changed. If the commit still fails or its outcome is
    /// unknown, Redis is fenced: every replica rebuilds it from the ledger.
    /// </remarks>
    public Task<SetAllocationAnswer> SetAllocationAsync(string bucketId, long cap, string actor, string reason, CancellationToken cancellationToken) =>
        Detached.RunAsync(() => SetAllocationCoreAsync(bucketId, cap, actor, reason), cancellationToken);

    private async Task<SetAllocationAnswer> SetAllocationCoreAsync(string bucketId, long cap, string actor, string reason)
    {
        var cancellationToken = CancellationToken.None;
        var now = Now();
        var epoch = await recovery.EnsureReadyAsync(cancellationToken);
        (long Committed, long Pending)? below = null;
        var redisChanged = false;
        var recorded = false;
        try
        {
            var (previous, applied) = await LedgerAsync(() => ledger.SetCapAsync(
                new AllocationChange(bucketId, null, cap, actor, reason, now),
                async (fence, _) =>
                {
                    if (fence != epoch)
                    {
                        recovery.Invalidate(epoch);
                        throw new QuotaException(QuotaErrorKind.Unavailable, "quota state was rebuilt meanwhile; retry");
                    }

                    var set = await RedisAsync(epoch, () => redis.SetCapAsync(epoch, bucketId, cap));
                    if (set is null)
                    {
                        recovery.Invalidate(epoch);
                        throw new QuotaException(QuotaErrorKind.Unavailable, "quota state is being rebuilt from the ledger; retry");
                    }

                    if (!set.Value.Set)
                    {
                        below = (set.Value.Committed, set.Value.Pending);
                        return false;
                    }

                    redisChanged = true;
                    return true;
                },
                cancellationToken));
            recorded = true;
            if (!applied)
            {
                throw new QuotaException(
                    QuotaErrorKind.FailedPrecondition,
                    $"cap: {cap} is below what bucket '{bucketId}' already holds (committed {below!.Value.Committed} + pending {below.Value.Pending})");
            }

            Log.AllocationSet(logger, bucketId, previous, cap, actor);
            var balance = (await BalancesAsync(epoch, [bucketId], null))[0] ?? new BucketBalance(bucketId, cap, 0, 0);
            return new SetAllocationAnswer(balance, previous, now);
        }
        catch (Exception) when (redisChanged && !recorded)
        {
            // Redis has the new cap but the ledger's transaction did not commit (or we cannot tell), whatever the
            // failure was. Redis must never allow more than the ledger: force every replica to rebuild it from the ledger.
            await ForceRebuildAsync();
            throw;
        }
    }

    /// <summary>The audit trail of a bucket's cap.</summary>
    public Task<IReadOnlyList<AllocationChange>> AllocationChangesAsync(string bucketId, CancellationToken cancellationToken) =>
        LedgerAsync(() => ledger.AllocationChangesAsync(bucketId, cancellationToken));

    /// <summary>A reservation as the ledger records it; NOT_FOUND when unknown.</summary>
    public async Task<Reservation> GetReservationAsync(string reservationId, CancellationToken cancellationToken)
    {
        var rows = await LedgerAsync(() => ledger.FindAsync([reservationId], cancellationToken));
        return rows.TryGetValue(reservationId, out var row)
            ? row
            : throw new QuotaException(QuotaErrorKind.NotFound, $"reservation_id: no reservation '{reservationId}'");
    }

    /// <summary>
    /// Compares Redis with the ledger: per bucket committed, pending and the officer cap, and the number of pending
    /// reservations. Under load, reservations in flight between Redis and the ledger show up as differences.
    /// </summary>
    public async Task<(IReadOnlyList<Discrepancy> Differences, int BucketsChecked)> CheckConsistencyAsync(CancellationToken cancellationToken)
    {
        var epoch = await recovery.EnsureReadyAsync(cancellationToken);
        var (totals, caps, pendingCount) = await LedgerAsync(() => ledger.SnapshotAsync(cancellationToken));
        var ids = (await RedisAsync(epoch, redis.BucketIdsAsync)).Union(totals.Keys).Union(caps.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var raw = await RedisAsync(epoch, () => redis.BalancesAsync(epoch, ids))
            ?? throw new QuotaException(QuotaErrorKind.Unavailable, "quota state is being rebuilt from the ledger; retry");
        var differences = new List<Discrepancy>();
        for (var i = 0; i < ids.Count; i++)
        {
            var (officerCap, committed, pending) = raw[i];
            var (ledgerCommitted, ledgerPending) = totals.GetValueOrDefault(ids[i]);
            var ledgerCap = caps.GetValueOrDefault(ids[i]) ?? -1;
            if (committed != ledgerCommitted)
            {
                differences.Add(new Discrepancy(ids[i], "committed", committed, ledgerCommitted));
            }

            if (pending != ledgerPending)
            {
                differences.Add(new Discrepancy(ids[i], "pending", pending, ledgerPending));
            }

            if (officerCap != ledgerCap)
            {
                differences.Add(new Discrepancy(ids[i], "cap", officerCap, ledgerCap));
            }
        }

        var redisPending = await RedisAsync(epoch, redis.PendingCountAsync);
        if (redisPending != pendingCount)
        {
            differences.Add(new Discrepancy("", "pending_reservations", redisPending, pendingCount));
        }

        return (differences, ids.Count);
    }

    /// <summary>
    /// Decides a transition in the ledger, then applies the ledger's state to Redis; answers the row and its buckets'
    /// balances as the apply script saw them (read again only when the apply could not run).
    /// </summary>
    private async Task<(Reservation Row, IReadOnlyList<BucketBalance> Balances)> TransitionAsync(string reservationId, ReservationState target)
    {
        using var ticket = writer.Admit();
        // Not the caller's token: a ledger decision is always applied to Redis, even when its caller stopped waiting.
        var row = await writer.TransitionAsync(reservationId, target, Now(), CancellationToken.None)
            ?? throw new QuotaException(QuotaErrorKind.NotFound, $"reservation_id: no reservation '{reservationId}'");
        var bucketIds = row.Draws.Select(d => d.BucketId).ToList();
        var epoch = recovery.ReadyEpoch;
        if (epoch >= 0)
        {
            var seen = await ApplyBestEffortAsync(epoch, row, row.Token, row.State);
            if (seen is not null)
            {
                return (row, [.. WithCaps(bucketIds, seen, null).OfType<BucketBalance>()]);
            }
        }

        return (row, await BalancesOrEmptyAsync(bucketIds, null));
    }

    /// <summary>
    /// Applies a ledger decision to Redis; returns the buckets' amounts afterwards, or null when it could not run.
    /// Failure is tolerated: Redis then holds TPP the ledger returned (over-count) until the sweeper re-applies the
    /// decision at the reservation's expiry, or a rebuild.
    /// </summary>
    internal async Task<IReadOnlyList<(long OfficerCap, long Committed, long Pending)>?> ApplyBestEffortAsync(
        long epoch, Reservation reservation, Guid token, ReservationState target)
    {
        try
        {
            var (applied, buckets) = await redis.ApplyAsync(epoch, reservation, token, target, options.Value.RecordRetention);
            if (applied == ApplyResult.NotReady)
            {
                recovery.Invalidate(epoch);
                return null;
            }

            if (applied == ApplyResult.Conflict)
            {
                Log.ApplyConflict(logger, reservation.Id, target);
            }

            return buckets;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Log.ApplyFailed(logger, e, reservation.Id);
            return null;
        }
    }

    private async Task<IReadOnlyList<BucketBalance>> BalancesOrEmptyAsync(IReadOnlyList<string> bucketIds, string? ruleSet)
    {
        var epoch = recovery.ReadyEpoch;
        if (epoch < 0)
        {
            return [];
        }

        try
        {
            return [.. (await BalancesAsync(epoch, bucketIds, ruleSet)).OfType<BucketBalance>()];
        }
        catch (QuotaException e) when (e.Kind == QuotaErrorKind.Unavailable)
        {
            return [];
        }
    }

    /// <summary>Balances with caps: the officer's when set, else the rules' today; null for a bucket neither defines.</summary>
    private async Task<IReadOnlyList<BucketBalance?>> BalancesAsync(long epoch, IReadOnlyList<string> bucketIds, string? ruleSet)
    {
        if (bucketIds.Count == 0)
        {
            return [];
        }

        var raw = await RedisAsync(epoch, () => redis.BalancesAsync(epoch, bucketIds));
        if (raw is null)
        {
            recovery.Invalidate(epoch);
            throw new QuotaException(QuotaErrorKind.Unavailable, "quota state is being rebuilt from the ledger; retry");
        }

        return WithCaps(bucketIds, raw, ruleSet);
    }

    /// <summary>Redis amounts with caps: the officer's when set, else the rules' today; null for a bucket neither defines.</summary>
    private BucketBalance?[] WithCaps(IReadOnlyList<string> bucketIds, IReadOnlyList<(long OfficerCap, long Committed, long Pending)> raw, string? ruleSet)
    {
        var asOf = DateOnly.FromDateTime(Now().UtcDateTime);
        var result = new BucketBalance?[bucketIds.Count];
        for (var i = 0; i < bucketIds.Count; i++)
        {
            var (officerCap, committed, pending) = raw[i];
            var cap = officerCap >= 0
                ? officerCap
                : BucketId.TryParse(bucketIds[i], out var bucket, out _) ? catalog.RuleAllocation(ruleSet, bucket!, asOf)?.Cap ?? -1 : -1;
            result[i] = cap >= 0 ? new BucketBalance(bucketIds[i], cap, committed, pending) : null;
        }

        return result;
    }

    private static List<Reason> ReasonsFor(Reservation row, IReadOnlyList<BucketAllocation?> allocations, IReadOnlyList<BucketBalance> balances)
    {
        var reasons = new List<Reason>();
        for (var i = 0; i < row.Draws.Count; i++)
        {
            var draw = row.Draws[i];
            var balance = balances.FirstOrDefault(b => b.BucketId == draw.BucketId);
            var allocation = i < allocations.Count ? allocations[i] : null;
            var citation = allocation?.Citation ?? OfficerCitation;
            var confidence = allocation?.Confidence ?? Confidence.Regulatory;
            if (balance is null)
            {
                reasons.Add(new Reason("QUOTA.UNKNOWN_BUCKET", $"bucket '{draw.BucketId}' is defined neither by the rules nor by an officer", citation, confidence));
                continue;
            }

            var text = string.Create(CultureInfo.InvariantCulture,
                $"bucket '{draw.BucketId}': draw {draw.Tpp} TPP; cap {balance.Cap}, committed {balance.Committed}, pending {balance.Pending}, available {balance.Available}");
            reasons.Add(row.Outcome switch
            {
                ReserveOutcome.Reserved => new Reason("QUOTA.RESERVED", text, citation, confidence),
                _ when row.State == ReservationState.Refused && balance.Available < draw.Tpp => new Reason("QUOTA.INSUFFICIENT", text, citation, confidence),
                _ => new Reason("QUOTA.NOT_DRAWN", text + " (not drawn: the reservation is all-or-nothing)", citation, confidence),
            });
        }

        return reasons;
    }

    private async Task ForceRebuildAsync()
    {
        try
        {
            await redis.ForgetEpochAsync();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Log.ApplyFailed(logger, e, "(epoch)");
        }
    }

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    private async Task<T> RedisAsync<T>(long epoch, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            recovery.Invalidate(epoch);
            throw new QuotaException(QuotaErrorKind.Unavailable, "Redis unavailable: " + e.Message, e);
        }
    }

    private static async Task<T> LedgerAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new QuotaException(QuotaErrorKind.Unavailable, "ledger unavailable: " + e.Message, e);
        }
    }

    private static QuotaException AlreadyUsed(string reservationId) => new(
        QuotaErrorKind.AlreadyExists,
        $"reservation_id: '{reservationId}' was already used for different draws");

    internal static string StateName(ReservationState state) => state switch
    {
        ReservationState.Pending => "PENDING",
        ReservationState.Committed => "COMMITTED",
        ReservationState.Released => "RELEASED",
        ReservationState.Expired => "EXPIRED",
        _ => "REFUSED",
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Reservation {ReservationId}: {Outcome}")]
        public static partial void Reserved(ILogger logger, string reservationId, ReserveOutcome outcome);

        [LoggerMessage(2, LogLevel.Information, "Allocation of {BucketId} set from {PreviousCap} to {Cap} by {Actor}")]
        public static partial void AllocationSet(ILogger logger, string bucketId, long? previousCap, long cap, string actor);

        [LoggerMessage(3, LogLevel.Warning, "Redis record of {ReservationId} is in another final state than the ledger's {Target}")]
        public static partial void ApplyConflict(ILogger logger, string reservationId, ReservationState target);

        [LoggerMessage(4, LogLevel.Warning, "Could not apply the ledger's state of {ReservationId} to Redis; the sweeper will")]
        public static partial void ApplyFailed(ILogger logger, Exception exception, string reservationId);
    }
}
