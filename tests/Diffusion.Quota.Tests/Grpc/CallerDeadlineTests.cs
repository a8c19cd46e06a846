using Diffusion.Quota.Tests.Infrastructure;
using Diffusion.Quota.V1;
using Diffusion.Testing.Postgres;
using Diffusion.Testing.Redis;
using Grpc.Core;

namespace Diffusion.Quota.Tests.Grpc;

/// <summary>A caller that gives up half-way must not leave Redis and the ledger apart.</summary>
[Collection(QuotaCollection.Name)]
public sealed class CallerDeadlineTests(RedisFixture redis, PostgresFixture postgres) : QuotaTestBase(redis, postgres)
{
    private const long RuleCap = 26_900_000; // rules: an LPP bucket's cap per consignee-year

    [Fact]
    public async Task SetAllocation_CallersWithMillisecondDeadlines_RedisCapEqualsTheLedgers()
    {
        await using var cluster = await QuotaCluster.StartAsync(Settings(), 1);
        var client = cluster.Client(0)!;
        var buckets = Enumerable.Range(0, 1_000).Select(i => $"lpp/deadline-{i}/2026").ToList();

        // Rounds of 200 concurrent calls, each with a deadline of 1-20 ms: many expire while their work is under way.
        var outcomes = new List<StatusCode>();
        foreach (var round in buckets.Chunk(200))
        {
            outcomes.AddRange(await Task.WhenAll(round.Select((bucket, i) => Task.Run(async () =>
            {
                try
                {
                    await client.SetAllocationAsync(
                        new SetAllocationRequest { BucketId = bucket, Cap = 1_000 + i, Reason = "deadline test", Actor = "officer-1" },
                        deadline: DateTime.UtcNow.AddMilliseconds(1 + (i % 20)));
                    return StatusCode.OK;
                }
                catch (RpcException e)
                {
                    return e.StatusCode;
                }
            }))));
        }

        Assert.All(outcomes, s => Assert.Contains(s, new[] { StatusCode.OK, StatusCode.DeadlineExceeded, StatusCode.Cancelled, StatusCode.Unavailable }));

        // Work a caller abandoned finishes on its own.
        await UntilUnchangedAsync("SELECT count(*) FROM allocation_changes");

        var consistency = await client.CheckConsistencyAsync(new CheckConsistencyRequest());
        Assert.True(consistency.Consistent, string.Join("; ", consistency.Discrepancies));
        for (var i = 0; i < buckets.Count; i++)
        {
            var ledgerCap = await ScalarAsync<long>("SELECT coalesce((SELECT cap FROM buckets WHERE bucket_id = $1), -1)", buckets[i]);
            var balance = await client.GetBalanceAsync(new GetBalanceRequest { BucketId = buckets[i] });
            Assert.Equal(ledgerCap < 0 ? RuleCap : ledgerCap, balance.Cap);
        }
    }

    [Fact]
    public async Task CommitAndRelease_CallersWithMillisecondDeadlines_RedisFollowsTheLedger()
    {
        await using var cluster = await QuotaCluster.StartAsync(Settings(), 1);
        var client = cluster.Client(0)!;
        var ids = Enumerable.Range(0, 600).Select(i => $"d{i}").ToList();
        foreach (var round in ids.Chunk(100))
        {
            await Task.WhenAll(round.Select(id => client.ReserveAsync(
                new ReserveRequest { ReservationId = id, Draws = { new Draw { BucketId = "lpp/consignee-1/2026", Tpp = 1 } } }).ResponseAsync));
        }

        // Even ids commit, odd ids release, each caller giving up after 1-20 ms.
        foreach (var round in ids.Chunk(200))
        {
            await Task.WhenAll(round.Select((id, i) => Task.Run(async () =>
            {
                var deadline = DateTime.UtcNow.AddMilliseconds(1 + (i % 20));
                try
                {
                    if (i % 2 == 0)
                    {
                        await client.CommitAsync(new CommitRequest { ReservationId = id }, deadline: deadline);
                    }
                    else
                    {
                        await client.ReleaseAsync(new ReleaseRequest { ReservationId = id }, deadline: deadline);
                    }
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Cancelled)
                {
                    // The caller stopped waiting; the work goes on or never started.
                }
            })));
        }

        // Work a caller abandoned finishes on its own; then Redis must agree with the ledger.
        await UntilUnchangedAsync("SELECT count(*) FROM reservations WHERE state = 1");

        var consistency = await client.CheckConsistencyAsync(new CheckConsistencyRequest());
        Assert.True(consistency.Consistent, string.Join("; ", consistency.Discrepancies));
    }

    /// <summary>Waits (at most 5 s) until a count in the ledger stays the same for 100 ms.</summary>
    private async Task UntilUnchangedAsync(string countSql)
    {
        long last = -1;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await Task.Delay(100);
            var now = await ScalarAsync<long>(countSql);
            if (now == last)
            {
                return;
            }

            last = now;
        }
    }
}
