using Diffusion.Quota.Reservations;
using Diffusion.Quota.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Quota.Tests.Storage;

/// <summary>A rebuild loads pending reservations so that Redis can carry on with them exactly as before.</summary>
[Collection(QuotaCollection.Name)]
public sealed class RebuildTests(RedisFixture redis, PostgresFixture postgres) : QuotaTestBase(redis, postgres)
{
    [Fact]
    public async Task Rebuild_PendingReservations_RecordsAsTheReserveScriptWroteThem()
    {
        await using var ownRedis = await RedisServer.StartAsync();
        var node = await StartNodeAsync(Settings(ownRedis.ConnectionString));
        var store = node.Services.GetRequiredService<RedisQuotaStore>();
        const string lpp = "lpp/consignee-1/2026";
        const string country = "country/AE/2025-2027";

        // More than one chunk (1,000) of pending reservations, one of them over two buckets.
        await node.Engine.ReserveAsync(Reserve("two", (lpp, 7), (country, 11)), default);
        for (var i = 0; i < 1_200; i++)
        {
            await node.Engine.ReserveAsync(Reserve($"p{i}", (lpp, 1)), default);
        }

        var now = DateTimeOffset.UtcNow;
        var before = await store.ReadRecordAsync("two", now);
        var rebuilds = node.Recovery.RebuildCount;
        await ownRedis.RestartAsync(keepData: false);
        node.Recovery.Invalidate(node.Recovery.ReadyEpoch); // as the sweeper's epoch check would, without waiting for it
        await node.Recovery.EnsureReadyAsync(default, TimeSpan.FromSeconds(30));
        Assert.Equal(rebuilds + 1, node.Recovery.RebuildCount);

        var after = await store.ReadRecordAsync("two", now);
        Assert.NotNull(before);
        Assert.NotNull(after);
        Assert.Equal(
            (before.Token, before.State, before.Outcome, before.Fingerprint, before.ExpiresAt),
            (after.Token, after.State, after.Outcome, after.Fingerprint, after.ExpiresAt));
        Assert.Equal(before.Draws, after.Draws);
        Assert.Equal(1_201L, await store.PendingCountAsync());

        // Redis carries on: a commit and a release of rebuilt reservations move the right amounts.
        var committed = await node.Engine.CommitAsync("two", default);
        await node.Engine.ReleaseAsync("p0", default);
        Assert.Equal(ReservationState.Committed, committed.State);
        Assert.Contains(committed.Balances, b => b.BucketId == country && b.Committed == 11 && b.Pending == 0);
        var balance = await node.Engine.GetBalanceAsync(lpp, null, default);
        Assert.Equal((7L, 1_199L), (balance.Committed, balance.Pending));
        var (differences, _) = await node.Engine.CheckConsistencyAsync(default);
        Assert.Empty(differences);
    }
}
