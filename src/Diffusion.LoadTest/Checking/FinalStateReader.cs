using System.Collections.Concurrent;
using Diffusion.LoadTest.History;
using Diffusion.LoadTest.Load;
using Diffusion.Quota.V1;
using Grpc.Core;

namespace Diffusion.LoadTest.Checking;

/// <summary>
/// Reads the system's state after the run through Quota's public gRPC contract: every reservation the history names
/// (GetReservation reads the ledger of record), the balance of every bucket it names, and CheckConsistency (Redis
/// against the ledger). Calls are retried while Quota is recovering (UNAVAILABLE), within a bound.
/// </summary>
internal sealed class FinalStateReader(QuotaService.QuotaServiceClient quota, int concurrency, TimeSpan patience)
{
    public async Task<FinalState> ReadAsync(IReadOnlyCollection<string> reservationIds, IReadOnlyCollection<string> buckets, CancellationToken cancellationToken)
    {
        var readAt = Clock.NowMicros();
        var differences = await ConsistencyAsync(cancellationToken);
        var balances = new ConcurrentDictionary<string, FinalBalance>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(buckets, Options(cancellationToken), async (bucket, ct) =>
        {
            try
            {
                var b = await Retry.WhileRecoveringAsync(() => quota.GetBalanceAsync(new GetBalanceRequest { BucketId = bucket }, Call(ct)).ResponseAsync, patience, ct);
                balances[bucket] = new FinalBalance(bucket, b.Cap, b.Committed, b.Pending);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                // A bucket no draw ever reached (every Reserve on it refused before it existed).
            }
        });

        var reservations = new ConcurrentDictionary<string, FinalReservation?>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(reservationIds, Options(cancellationToken), async (id, ct) =>
        {
            try
            {
                var r = await Retry.WhileRecoveringAsync(() => quota.GetReservationAsync(new GetReservationRequest { ReservationId = id }, Call(ct)).ResponseAsync, patience, ct);
                reservations[id] = new FinalReservation(
                    Names.Of(r.State),
                    [.. r.Draws.Select(d => new HistoryDraw(d.BucketId, d.Tpp))],
                    r.ExpiresAt is null ? long.MaxValue : Clock.Micros(r.ExpiresAt.ToDateTimeOffset()));
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                reservations[id] = null;
            }
        });

        return new FinalState(reservations, balances, differences, readAt);
    }

    /// <summary>
    /// CheckConsistency until Redis agrees with the ledger or the patience runs out: just after a fault or the last
    /// call, a decision may still be on its way from the ledger to Redis (the expiry sweeper re-applies it).
    /// </summary>
    private async Task<IReadOnlyList<string>> ConsistencyAsync(CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + patience;
        while (true)
        {
            var answer = await Retry.WhileRecoveringAsync(() => quota.CheckConsistencyAsync(new CheckConsistencyRequest(), Call(cancellationToken)).ResponseAsync, patience, cancellationToken);
            if (answer.Consistent || DateTime.UtcNow > until)
            {
                return [.. answer.Discrepancies.Select(d => $"{d.BucketId} {d.Field}: redis {d.RedisValue}, ledger {d.LedgerValue}")];
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    private ParallelOptions Options(CancellationToken cancellationToken) => new() { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken };

    private static CallOptions Call(CancellationToken cancellationToken) => new(deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
}
