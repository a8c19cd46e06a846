using System.Collections.Concurrent;
using Diffusion.Quota.V1;
using Grpc.Core;
using Npgsql;

namespace Diffusion.Quota.Tests.Grpc;

/// <summary>
/// Crashes in the middle of a load: Redis killed and restarted empty, a replica killed. Every acknowledged
/// reservation must survive in the ledger and in the rebuilt Redis, and no bucket may ever be granted beyond its cap.
/// </summary>
[Collection(QuotaCollection.Name)]
public sealed class RecoveryTests(RedisFixture redis, PostgresFixture postgres) : QuotaTestBase(redis, postgres)
{
    private const string Bucket = "country/TH/2025-2027";
    private const long Cap = 20_000;
    private const long Tpp = 13; // floor(20,000 / 13) = 1,538 fit; the load asks for 2,400.

    [Fact]
    public async Task RedisKilledAndRestartedEmpty_DuringLoad_NoAcknowledgedReservationLostNothingBeyondCap()
    {
        await using var ownRedis = await RedisServer.StartAsync();
        await using var cluster = await QuotaCluster.StartAsync(Settings(ownRedis.ConnectionString), 3);
        await cluster.Client(0)!.SetAllocationAsync(new SetAllocationRequest { BucketId = Bucket, Cap = Cap, Reason = "test cap" });

        var acked = new ConcurrentDictionary<string, ReserveResponse>();
        var load = RunLoadAsync(cluster, acked, count: 2_400);
        await WaitUntilAsync(() => acked.Count >= 400, TimeSpan.FromSeconds(60));
        await ownRedis.KillAsync();
        await Task.Delay(300);
        await ownRedis.RestartAsync(keepData: false);
        await load;

        await AssertNoLossAndWithinCapAsync(cluster, acked, expectedRebuilds: true);
    }

    [Fact]
    public async Task ReplicaKilled_DuringLoad_NoAcknowledgedReservationLostNothingBeyondCap()
    {
        await using var cluster = await QuotaCluster.StartAsync(Settings(), 3);
        await cluster.Client(0)!.SetAllocationAsync(new SetAllocationRequest { BucketId = Bucket, Cap = Cap, Reason = "test cap" });

        var acked = new ConcurrentDictionary<string, ReserveResponse>();
        var load = RunLoadAsync(cluster, acked, count: 2_400);
        await WaitUntilAsync(() => acked.Count >= 400, TimeSpan.FromSeconds(60));
        await cluster.KillAsync(1);
        await load;

        await AssertNoLossAndWithinCapAsync(cluster, acked, expectedRebuilds: false);
    }

    private static Task RunLoadAsync(QuotaCluster cluster, ConcurrentDictionary<string, ReserveResponse> acked, int count) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var request = new ReserveRequest { ReservationId = $"load-{i}", Draws = { new Draw { BucketId = Bucket, Tpp = Tpp } } };
            acked[request.ReservationId] = await cluster.ReserveWithRetriesAsync(request, i % 3, TimeSpan.FromSeconds(60));
        });

    private async Task AssertNoLossAndWithinCapAsync(QuotaCluster cluster, ConcurrentDictionary<string, ReserveResponse> acked, bool expectedRebuilds)
    {
        var granted = acked.Where(a => a.Value.Outcome == ReserveOutcome.Reserved).Select(a => a.Key).ToHashSet();
        Assert.Equal(2_400, acked.Count);
        Assert.True(granted.Count * Tpp <= Cap, $"granted {granted.Count} x {Tpp} > cap {Cap}");
        // Demand exceeded the cap throughout, so the cap is used up exactly: nothing lost, nothing leaked.
        Assert.Equal(Cap / Tpp, granted.Count);

        // Every acknowledged grant is in the ledger as pending; every acknowledged refusal as refused.
        var ledger = new Dictionary<string, short>();
        await using (var connection = new NpgsqlConnection(LedgerConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT reservation_id, state FROM reservations", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ledger[reader.GetString(0)] = reader.GetInt16(1);
            }
        }

        Assert.All(granted, id => Assert.Equal(1, ledger[id]));
        Assert.All(acked.Keys.Except(granted), id => Assert.Equal(5, ledger[id]));
        Assert.Equal(granted.Count, ledger.Count(r => r.Value == 1));

        // Redis (rebuilt, where it was lost) holds exactly the ledger's amounts, seen from every live replica.
        for (var i = 0; i < cluster.Nodes.Count; i++)
        {
            if (cluster.Client(i) is not { } client)
            {
                continue;
            }

            var balance = await client.GetBalanceAsync(new GetBalanceRequest { BucketId = Bucket });
            Assert.Equal(granted.Count * Tpp, balance.Pending);
            Assert.Equal(Cap, balance.Cap);
        }

        var consistency = await cluster.Client(0)!.CheckConsistencyAsync(new CheckConsistencyRequest());
        Assert.True(consistency.Consistent, string.Join("; ", consistency.Discrepancies));
        Assert.Equal(expectedRebuilds, await ScalarAsync<long>("SELECT epoch FROM fence") > 1);
    }

    [Fact]
    public async Task RedisDownAtStart_BareConnectionString_StartsAnswersUnavailableThenServesOnceRedisIsUp()
    {
        // Redis as the AppHost hands it over: host:port and the password only (no abortConnect=false), read by
        // Aspire's AddRedisClient, which connects synchronously when the multiplexer is first resolved.
        await using var ownRedis = await RedisServer.StartAsync();
        await ownRedis.KillAsync();
        await using var cluster = await QuotaCluster.StartAsync(Settings($"127.0.0.1:{ownRedis.Port},password={ownRedis.Password}"), 1);
        var reserve = new ReserveRequest { ReservationId = "r1", Draws = { new Draw { BucketId = "lpp/consignee-1/2026", Tpp = 1_000 } } };

        var whileDown = await Assert.ThrowsAsync<RpcException>(() => cluster.Client(0)!.ReserveAsync(reserve).ResponseAsync);
        await ownRedis.RestartAsync();
        var answer = await ReserveOnceReadyAsync(cluster.Client(0)!, reserve, TimeSpan.FromSeconds(30));

        Assert.Equal(StatusCode.Unavailable, whileDown.StatusCode);
        Assert.Equal(ReserveOutcome.Reserved, answer.Outcome);
    }

    private static async Task<ReserveResponse> ReserveOnceReadyAsync(QuotaService.QuotaServiceClient client, ReserveRequest request, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return await client.ReserveAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {timeout}");
            await Task.Delay(20);
        }
    }
}
