using Diffusion.Quota.Reservations;

namespace Diffusion.Quota.Tests.Storage;

/// <summary>The quota invariants of docs/quota-invariants.md against real Redis and PostgreSQL, through the shipped wiring.</summary>
[Collection(QuotaCollection.Name)]
public sealed class ReservationInvariantTests(RedisFixture redis, PostgresFixture postgres) : QuotaTestBase(redis, postgres)
{
    private const string Lpp = "lpp/consignee-1/2026"; // rules: 26,900,000 TPP per consignee-year

    [Fact]
    public async Task Reserve_ConcurrentRequestsOverCapOnThreeReplicas_NeverExceedsCap()
    {
        var nodes = new[] { await StartNodeAsync(), await StartNodeAsync(), await StartNodeAsync() };
        const string bucket = "country/PL/2025-2027";
        await nodes[0].Engine.SetAllocationAsync(bucket, 1_000, "officer-1", "test cap", default);

        // 300 reservations of 7 TPP (2,100 TPP asked) against a cap of 1,000: exactly 142 fit.
        var answers = await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            Task.Run(() => nodes[i % 3].Engine.ReserveAsync(Reserve($"r{i}", (bucket, 7)), default))));

        var granted = answers.Count(a => a.Outcome == ReserveOutcome.Reserved);
        Assert.Equal(142, granted);
        Assert.All(answers.Where(a => a.Outcome != ReserveOutcome.Reserved), a => Assert.Equal(ReserveOutcome.Insufficient, a.Outcome));
        var balance = await nodes[1].Engine.GetBalanceAsync(bucket, null, default);
        Assert.Equal(142 * 7, balance.Pending);
        Assert.True(balance.Committed + balance.Pending <= balance.Cap);

        // Commit half on one replica, release the rest on another: committed + pending stays within the cap throughout.
        var ids = answers.Where(a => a.Outcome == ReserveOutcome.Reserved).Select(a => a.ReservationId).ToList();
        await Task.WhenAll(ids.Select((id, i) => i % 2 == 0
            ? nodes[2].Engine.CommitAsync(id, default)
            : nodes[0].Engine.ReleaseAsync(id, default)));
        balance = await nodes[0].Engine.GetBalanceAsync(bucket, null, default);
        Assert.Equal(71 * 7, balance.Committed);
        Assert.Equal(0, balance.Pending);
        Assert.Equal(71 * 7, await ScalarAsync<long>(
            "SELECT sum(tpp)::bigint FROM reservation_draws JOIN reservations USING (reservation_id) WHERE state = 2"));
        await AssertConsistentAsync(nodes[1]);
    }

    [Fact]
    public async Task Reserve_Retried_IsCountedOnceAndRefusalStays()
    {
        var node = await StartNodeAsync();
        var first = await node.Engine.ReserveAsync(Reserve("a", (Lpp, 20_000_000)), default);
        var retries = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => node.Engine.ReserveAsync(Reserve("a", (Lpp, 20_000_000)), default)));

        Assert.Equal(ReserveOutcome.Reserved, first.Outcome);
        Assert.All(retries, r => Assert.Equal((first.Outcome, first.ExpiresAt), (r.Outcome, r.ExpiresAt)));
        Assert.Equal(20_000_000, (await node.Engine.GetBalanceAsync(Lpp, null, default)).Pending);

        var refused = await node.Engine.ReserveAsync(Reserve("b", (Lpp, 10_000_000)), default);
        Assert.Equal(ReserveOutcome.Insufficient, refused.Outcome);
        await node.Engine.ReleaseAsync("a", default);
        // Room now, but a retry of "b" gets its first answer.
        Assert.Equal(ReserveOutcome.Insufficient, (await node.Engine.ReserveAsync(Reserve("b", (Lpp, 10_000_000)), default)).Outcome);
        Assert.Equal(ReservationState.Refused, (await node.Engine.GetReservationAsync("b", default)).State);
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM reservations WHERE reservation_id = 'a'"));
    }

    [Fact]
    public async Task Reserve_SameIdWithOtherDraws_IsAlreadyExists()
    {
        var node = await StartNodeAsync();
        await node.Engine.ReserveAsync(Reserve("a", (Lpp, 5)), default);

        var e = await Assert.ThrowsAsync<QuotaException>(() => node.Engine.ReserveAsync(Reserve("a", (Lpp, 6)), default));

        Assert.Equal(QuotaErrorKind.AlreadyExists, e.Kind);
        Assert.StartsWith("reservation_id:", e.Message, StringComparison.Ordinal);
        Assert.Equal(5, (await node.Engine.GetBalanceAsync(Lpp, null, default)).Pending);
    }

    [Fact]
    public async Task Reserve_OverTwoBuckets_IsAllOrNothing()
    {
        var node = await StartNodeAsync();
        const string small = "country/QA/2025-2027";
        await node.Engine.SetAllocationAsync(small, 100, "officer-1", "test cap", default);

        var refused = await node.Engine.ReserveAsync(Reserve("x", (Lpp, 1_000), (small, 101)), default);
        var unknown = await node.Engine.ReserveAsync(Reserve("y", (Lpp, 1_000), ("nveu/veu-9/CN", 1)), default);
        var granted = await node.Engine.ReserveAsync(Reserve("z", (Lpp, 1_000), (small, 100)), default);

        Assert.Equal(ReserveOutcome.Insufficient, refused.Outcome);
        Assert.Contains(refused.Reasons, r => r.Code == "QUOTA.INSUFFICIENT" && r.Message.Contains(small, StringComparison.Ordinal));
        Assert.Equal(ReserveOutcome.UnknownBucket, unknown.Outcome);
        Assert.Equal(ReserveOutcome.Reserved, granted.Outcome);
        Assert.Equal(1_000, (await node.Engine.GetBalanceAsync(Lpp, null, default)).Pending);
        Assert.Equal(100, (await node.Engine.GetBalanceAsync(small, null, default)).Pending);
        await AssertConsistentAsync(node);
    }

    [Fact]
    public async Task Reserve_ShortTtl_ExpiresAndTppReturns()
    {
        var node = await StartNodeAsync();
        await node.Engine.ReserveAsync(Reserve("short", TimeSpan.FromSeconds(1), (Lpp, 26_900_000)), default);
        await node.Engine.ReserveAsync(Reserve("kept", TimeSpan.FromSeconds(1), ("lpp/consignee-2/2026", 10)), default);
        await node.Engine.CommitAsync("kept", default);
        Assert.Equal(ReserveOutcome.Insufficient, (await node.Engine.ReserveAsync(Reserve("blocked", (Lpp, 1)), default)).Outcome);

        await WaitUntilAsync(async () => (await node.Engine.GetBalanceAsync(Lpp, null, default)).Pending == 0, TimeSpan.FromSeconds(10));

        Assert.Equal(ReservationState.Expired, (await node.Engine.GetReservationAsync("short", default)).State);
        var e = await Assert.ThrowsAsync<QuotaException>(() => node.Engine.CommitAsync("short", default));
        Assert.Equal(QuotaErrorKind.FailedPrecondition, e.Kind);
        Assert.Contains("EXPIRED", e.Message, StringComparison.Ordinal);
        Assert.Equal(ReservationState.Expired, (await node.Engine.ReleaseAsync("short", default)).State);
        Assert.Equal(ReserveOutcome.Reserved, (await node.Engine.ReserveAsync(Reserve("after", (Lpp, 26_900_000)), default)).Outcome);
        // Committed use never returns.
        Assert.Equal(10, (await node.Engine.GetBalanceAsync("lpp/consignee-2/2026", null, default)).Committed);
        await AssertConsistentAsync(node);
    }

    [Fact]
    public async Task CommitAndRelease_UnknownOrFinished_AnswerAsDocumented()
    {
        var node = await StartNodeAsync();
        Assert.Equal(QuotaErrorKind.NotFound, (await Assert.ThrowsAsync<QuotaException>(() => node.Engine.CommitAsync("nope", default))).Kind);
        Assert.Equal(QuotaErrorKind.NotFound, (await Assert.ThrowsAsync<QuotaException>(() => node.Engine.ReleaseAsync("nope", default))).Kind);

        await node.Engine.ReserveAsync(Reserve("c", (Lpp, 3)), default);
        Assert.Equal(ReservationState.Committed, (await node.Engine.CommitAsync("c", default)).State);
        Assert.Equal(ReservationState.Committed, (await node.Engine.CommitAsync("c", default)).State);
        Assert.Equal(QuotaErrorKind.FailedPrecondition, (await Assert.ThrowsAsync<QuotaException>(() => node.Engine.ReleaseAsync("c", default))).Kind);

        await node.Engine.ReserveAsync(Reserve("r", (Lpp, 4)), default);
        Assert.Equal(ReservationState.Released, (await node.Engine.ReleaseAsync("r", default)).State);
        Assert.Equal(ReservationState.Released, (await node.Engine.ReleaseAsync("r", default)).State);
        var e = await Assert.ThrowsAsync<QuotaException>(() => node.Engine.CommitAsync("r", default));
        Assert.Equal(QuotaErrorKind.FailedPrecondition, e.Kind);
        Assert.Contains("RELEASED", e.Message, StringComparison.Ordinal);
        var balance = await node.Engine.GetBalanceAsync(Lpp, null, default);
        Assert.Equal((3L, 0L), (balance.Committed, balance.Pending));
    }

    [Fact]
    public async Task Buckets_DefinedByRulesOrOfficer_OthersUnknown()
    {
        var node = await StartNodeAsync();

        Assert.Equal(790_000_000, (await node.Engine.GetBalanceAsync("country/AE/2025-2027", null, default)).Cap);
        Assert.Equal(4_274_640_000, (await node.Engine.GetBalanceAsync("nveu/veu-1/IN", null, default)).Cap);
        // Tier 1 and Tier 3 have no country allocation; no NVEU in Tier 3.
        foreach (var id in new[] { "country/FR/2025-2027", "country/CN/2025-2027", "nveu/veu-1/CN", "lpp/c/2024", "country/AE/2028-2030" })
        {
            Assert.Equal(QuotaErrorKind.NotFound, (await Assert.ThrowsAsync<QuotaException>(() => node.Engine.GetBalanceAsync(id, null, default))).Kind);
            Assert.Equal(ReserveOutcome.UnknownBucket, (await node.Engine.ReserveAsync(Reserve("u-" + id, (id, 1)), default)).Outcome);
        }

        // An officer may create one.
        await node.Engine.SetAllocationAsync("country/AE/2028-2030", 5, "officer-1", "new period agreed", default);
        Assert.Equal(5, (await node.Engine.GetBalanceAsync("country/AE/2028-2030", null, default)).Cap);
    }

    [Fact]
    public async Task SetAllocation_IsAuditedWithWhoWhenWhy_AndNeverBelowWhatIsHeld()
    {
        var node = await StartNodeAsync();
        const string bucket = "country/AE/2025-2027";
        await node.Engine.ReserveAsync(Reserve("r", (bucket, 1_000)), default);

        var doubled = await node.Engine.SetAllocationAsync(bucket, 1_580_000_000, "officer-7", "government-to-government agreement of 2026-03-01", default);
        var e = await Assert.ThrowsAsync<QuotaException>(() => node.Engine.SetAllocationAsync(bucket, 999, "officer-7", "mistake", default));

        Assert.Null(doubled.PreviousCap); // the rules' cap applied before
        Assert.Equal(1_580_000_000, doubled.Balance.Cap);
        Assert.Equal(QuotaErrorKind.FailedPrecondition, e.Kind);
        Assert.StartsWith("cap:", e.Message, StringComparison.Ordinal);
        var audit = await node.Engine.AllocationChangesAsync(bucket, default);
        var change = Assert.Single(audit);
        Assert.Equal(("officer-7", "government-to-government agreement of 2026-03-01", 1_580_000_000L), (change.Actor, change.Reason, change.NewCap));
        Assert.Equal(doubled.ChangedAt, change.ChangedAt);
        Assert.Equal(1_580_000_000, (await node.Engine.GetBalanceAsync(bucket, null, default)).Cap);
    }

    [Fact]
    public async Task Rebuild_AfterRedisLosesState_RestoresCountersFromLedger()
    {
        var node = await StartNodeAsync();
        await node.Engine.SetAllocationAsync("country/PL/2025-2027", 500, "officer-1", "test cap", default);
        await node.Engine.ReserveAsync(Reserve("p", (Lpp, 11), ("country/PL/2025-2027", 100)), default);
        await node.Engine.ReserveAsync(Reserve("c", (Lpp, 22)), default);
        await node.Engine.CommitAsync("c", default);
        var before = await node.Engine.GetBalanceAsync(Lpp, null, default);

        await DeleteRedisKeysAsync();

        // The next call notices, rebuilds, and answers as before.
        await WaitUntilAsync(async () =>
        {
            try
            {
                return (await node.Engine.GetBalanceAsync(Lpp, null, default)) == before;
            }
            catch (QuotaException e) when (e.Kind == QuotaErrorKind.Unavailable)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10));
        Assert.Equal(500, (await node.Engine.GetBalanceAsync("country/PL/2025-2027", null, default)).Cap);
        Assert.Equal(ReservationState.Committed, (await node.Engine.CommitAsync("p", default)).State);
        Assert.Equal(33, (await node.Engine.GetBalanceAsync(Lpp, null, default)).Committed);
        await AssertConsistentAsync(node);
    }

    /// <summary>What a Redis restart without persistence does to this test's keyspace: everything is gone.</summary>
    private async Task DeleteRedisKeysAsync()
    {
        using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        await connection.GetDatabase().ScriptEvaluateAsync(
            "local n = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do n = n + redis.call('DEL', k) end return n",
            [],
            [Prefix + "*"]);
    }

    private static async Task AssertConsistentAsync(QuotaNode node)
    {
        var (differences, _) = await node.Engine.CheckConsistencyAsync(default);
        Assert.Empty(differences);
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {timeout}");
            await Task.Delay(100);
        }
    }
}
