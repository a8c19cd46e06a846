using Diffusion.Quota.Reservations;
using Diffusion.Quota.Storage;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Diffusion.Quota.Tests.Storage;

/// <summary>
/// A reservation's Redis record is one string (<see cref="RedisRecord"/>): what the Reserve and Apply scripts write is
/// what the C# side reads and what a rebuild writes, and a Redis still in the former hash format is rebuilt, never read.
/// </summary>
[Collection(QuotaCollection.Name)]
public sealed class RedisRecordTests(RedisFixture redis, PostgresFixture postgres) : QuotaTestBase(redis, postgres)
{
    private const string Country = "country/AE/2025-2027";
    private const string Lpp = "lpp/consignee-1/2026";
    private const string Nveu = "nveu/veu-7/IN";

    [Fact]
    public async Task Record_EveryFieldAndSeveralDraws_RoundTripsThroughReserveApplyAndReadRecord()
    {
        var node = await StartNodeAsync();
        var store = node.Services.GetRequiredService<RedisQuotaStore>();
        var epoch = await node.Recovery.EnsureReadyAsync(default);
        using var connection = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var db = connection.GetDatabase();
        var now = DateTimeOffset.UtcNow;
        Draw[] draws = [new(Country, 15_832), new(Lpp, 7), new(Nveu, 5)];
        var fingerprint = Reservation.FingerprintOf(draws);
        var token = Guid.NewGuid();
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(1_900_000_000_123);
        var retention = TimeSpan.FromHours(1);

        var made = Assert.IsType<RedisReserveResult.Made>(
            await store.ReserveAsync(epoch, "order-1", fingerprint, expiresAt, token, draws, [1_000_000, 1_000_000, 1_000_000], retention, now));
        var read = await store.ReadRecordAsync("order-1", now);

        AssertSame(made.Record, read);
        Assert.Equal((token, ReservationState.Pending, ReserveOutcome.Reserved, fingerprint, expiresAt, epoch), (read!.Token, read.State, read.Outcome, read.Fingerprint, read.ExpiresAt, read.Epoch));
        Assert.Equal(draws, read.Draws);

        // The script's record is the rebuild's record, and an operator reading it sees the state, outcome and token first.
        var raw = (string)(await db.StringGetAsync(Prefix + "r:order-1"))!;
        Assert.Equal(RedisRecord.Format(ReservationState.Pending, ReserveOutcome.Reserved, token, expiresAt, epoch, draws, fingerprint), raw);
        Assert.StartsWith($"1\t1\t{token:N}\t1900000000123\t", raw, StringComparison.Ordinal);
        Assert.Null(await db.KeyTimeToLiveAsync(Prefix + "r:order-1"));

        // A retry (another attempt's token) gets the first record back through the EXISTS reply.
        var existing = Assert.IsType<RedisReserveResult.Existing>(
            await store.ReserveAsync(epoch, "order-1", fingerprint, expiresAt.AddDays(1), Guid.NewGuid(), draws, [1_000_000, 1_000_000, 1_000_000], retention, now));
        AssertSame(made.Record, existing.Record);

        // Apply changes the state only, and only for this attempt's token.
        Assert.Equal(ApplyResult.OtherAttempt, (await store.ApplyAsync(epoch, made.Record, Guid.NewGuid(), ReservationState.Committed, retention)).Result);
        var (applied, buckets) = await store.ApplyAsync(epoch, made.Record, token, ReservationState.Committed, retention);
        Assert.Equal(ApplyResult.Applied, applied);
        Assert.Equal(new (long, long, long)[] { (-1, 15_832, 0), (-1, 7, 0), (-1, 5, 0) }, buckets);
        var committed = await store.ReadRecordAsync("order-1", now);
        AssertSame(made.Record with { State = ReservationState.Committed }, committed);
        Assert.InRange((await db.KeyTimeToLiveAsync(Prefix + "r:order-1"))!.Value, TimeSpan.FromMinutes(59), retention);
        Assert.Equal(ApplyResult.Same, (await store.ApplyAsync(epoch, made.Record, token, ReservationState.Committed, retention)).Result);
        Assert.Equal(ApplyResult.Conflict, (await store.ApplyAsync(epoch, made.Record, token, ReservationState.Released, retention)).Result);
        Assert.Equal(0L, await store.PendingCountAsync());

        // A refusal is recorded with its outcome and kept for the retention only.
        var refusedToken = Guid.NewGuid();
        var refused = Assert.IsType<RedisReserveResult.Made>(
            await store.ReserveAsync(epoch, "order-2", fingerprint, expiresAt, refusedToken, draws, [1_000_000, 3, 1_000_000], retention, now));
        var refusedRead = await store.ReadRecordAsync("order-2", now);
        Assert.Equal((ReservationState.Refused, ReserveOutcome.Insufficient), (refused.Record.State, refused.Record.Outcome));
        AssertSame(refused.Record, refusedRead);
        Assert.NotNull(await db.KeyTimeToLiveAsync(Prefix + "r:order-2"));
    }

    [Fact]
    public async Task Start_RedisInTheFormerHashFormat_IsRebuiltFromTheLedgerNotMisread()
    {
        var old = await StartNodeAsync();
        await old.Engine.ReserveAsync(Reserve("a", (Lpp, 5), (Country, 7)), default);
        await old.Engine.ReserveAsync(Reserve("b", (Lpp, 3)), default);
        await old.Engine.CommitAsync("b", default);
        await old.DisposeAsync();
        Forget(old);

        // What a Quota of record format 1 left: the epoch under q:epoch, equal to the ledger's fence, and hashes.
        using var connection = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var db = connection.GetDatabase();
        var fence = await ScalarAsync<long>("SELECT epoch FROM fence");
        var token = await ScalarAsync<Guid>("SELECT token FROM reservations WHERE reservation_id = 'a'");
        await db.KeyDeleteAsync([Prefix + "epoch:v2", Prefix + "r:a", Prefix + "r:b"]);
        await db.StringSetAsync(Prefix + "epoch", fence);
        await db.HashSetAsync(Prefix + "r:a",
        [
            new("s", (int)ReservationState.Pending), new("o", (int)ReserveOutcome.Reserved), new("f", Reservation.FingerprintOf([new(Lpp, 5), new(Country, 7)])),
            new("x", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds()), new("t", token.ToString("N")), new("e", fence), new("n", 2),
            new("b1", Lpp), new("t1", 5), new("b2", Country), new("t2", 7),
        ]);

        var upgraded = await StartNodeAsync();
        var commit = await upgraded.Engine.CommitAsync("a", default);

        Assert.Equal(1, upgraded.Recovery.RebuildCount);
        Assert.Equal(ReservationState.Committed, commit.State);
        Assert.Contains(commit.Balances, b => b.BucketId == Lpp && b.Committed == 8 && b.Pending == 0);
        Assert.False(await db.KeyExistsAsync(Prefix + "epoch"));
        Assert.Equal(RedisType.String, await db.KeyTypeAsync(Prefix + "r:a"));
        Assert.Equal(ReservationState.Committed, (await upgraded.Services.GetRequiredService<RedisQuotaStore>().ReadRecordAsync("a", DateTimeOffset.UtcNow))!.State);
        var (differences, _) = await upgraded.Engine.CheckConsistencyAsync(default);
        Assert.Empty(differences);
    }

    private static void AssertSame(Reservation expected, Reservation? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(
            (expected.Id, expected.Token, expected.State, expected.Outcome, expected.Fingerprint, expected.ExpiresAt, expected.Epoch),
            (actual.Id, actual.Token, actual.State, actual.Outcome, actual.Fingerprint, actual.ExpiresAt, actual.Epoch));
        Assert.Equal(expected.Draws, actual.Draws);
    }
}
