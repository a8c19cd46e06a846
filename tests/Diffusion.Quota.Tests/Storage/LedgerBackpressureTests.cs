using Diffusion.Quota.Grpc;
using Diffusion.Quota.Reservations;
using Diffusion.Quota.Storage;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Quota.Tests.Storage;

/// <summary>Under overload the ledger path pushes back instead of queueing without bound.</summary>
[Collection(QuotaCollection.Name)]
public sealed class LedgerBackpressureTests(RedisFixture redis, PostgresFixture postgres) : QuotaTestBase(redis, postgres)
{
    private const string Lpp = "lpp/consignee-1/2026";

    [Fact]
    public async Task Reserve_MoreInFlightThanTheLedgerAdmits_ResourceExhaustedAndNothingHeld()
    {
        var settings = Settings();
        settings["Quota:LedgerQueueCapacity"] = "4";
        var node = await StartNodeAsync(settings);
        var writer = node.Services.GetRequiredService<LedgerWriter>();

        // 200 at once against 4 places: each admitted one holds its place for a durable ledger write (milliseconds).
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            try
            {
                return (await node.Engine.ReserveAsync(Reserve($"r{i}", (Lpp, 1)), default)).Outcome.ToString();
            }
            catch (QuotaException e) when (e.Kind == QuotaErrorKind.ResourceExhausted)
            {
                return "exhausted";
            }
        })));

        var reserved = results.Count(r => r == nameof(ReserveOutcome.Reserved));
        var exhausted = results.Count(r => r == "exhausted");
        Assert.Equal(200, reserved + exhausted);
        Assert.InRange(exhausted, 1, 199);

        // A refused call changed nothing: neither Redis nor the ledger holds anything for it.
        Assert.Equal(reserved, (await node.Engine.GetBalanceAsync(Lpp, null, default)).Pending);
        Assert.Equal(reserved, await ScalarAsync<long>("SELECT count(*) FROM reservations"));
        Assert.Equal(0, writer.Admitted);
        var (differences, _) = await node.Engine.CheckConsistencyAsync(default);
        Assert.Empty(differences);

        // Once the load is gone, the refused ids go through.
        var retry = results.Select((r, i) => (r, i)).First(x => x.r == "exhausted").i;
        Assert.Equal(ReserveOutcome.Reserved, (await node.Engine.ReserveAsync(Reserve($"r{retry}", (Lpp, 1)), default)).Outcome);
    }

    [Fact]
    public void ResourceExhausted_IsTheGrpcStatus()
    {
        var e = new QuotaException(QuotaErrorKind.ResourceExhausted, "full").ToRpcException();
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
    }
}
