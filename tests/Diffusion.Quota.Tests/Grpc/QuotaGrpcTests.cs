using Diffusion.Quota.V1;
using Diffusion.ServiceDefaults;
using Diffusion.ServiceDefaults.Security;
using Diffusion.Testing.Auth;
using Grpc.Core;

namespace Diffusion.Quota.Tests.Grpc;

/// <summary>The quota service over real gRPC (Kestrel h2c), three replicas on one Redis and one ledger.</summary>
[Collection(QuotaCollection.Name)]
public sealed class QuotaGrpcTests(RedisFixture redis, PostgresFixture postgres) : QuotaTestBase(redis, postgres)
{
    [Fact]
    public async Task Reserve_ParallelOverCapOnThreeReplicas_GrantsExactlyTheCapAndNeverMore()
    {
        await using var cluster = await QuotaCluster.StartAsync(Settings(), 3);
        const string bucket = "country/MX/2025-2027";
        await cluster.Client(0)!.SetAllocationAsync(new SetAllocationRequest { BucketId = bucket, Cap = 10_000, Reason = "test cap" });

        using var stop = new CancellationTokenSource();
        var violations = 0;
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var b = await cluster.Client(1)!.GetBalanceAsync(new GetBalanceRequest { BucketId = bucket });
                if (b.Committed + b.Pending > b.Cap)
                {
                    Interlocked.Increment(ref violations);
                }

                await Task.Delay(10);
            }
        });

        // 600 x 37 TPP = 22,200 asked of 10,000: floor(10,000 / 37) = 270 fit. Half of the granted get committed at once.
        var answers = await Task.WhenAll(Enumerable.Range(0, 600).Select(i => Task.Run(async () =>
        {
            var client = cluster.Client(i % 3)!;
            var answer = await client.ReserveAsync(new ReserveRequest { ReservationId = $"r{i}", Draws = { new Draw { BucketId = bucket, Tpp = 37 } } });
            if (answer.Outcome == ReserveOutcome.Reserved && i % 2 == 0)
            {
                await cluster.Client((i + 1) % 3)!.CommitAsync(new CommitRequest { ReservationId = answer.ReservationId });
            }

            return answer;
        })));
        await stop.CancelAsync();
        await watcher;

        Assert.Equal(270, answers.Count(a => a.Outcome == ReserveOutcome.Reserved));
        Assert.Equal(0, violations);
        var balance = await cluster.Client(2)!.GetBalanceAsync(new GetBalanceRequest { BucketId = bucket });
        Assert.Equal(270 * 37, balance.Committed + balance.Pending);
        Assert.Equal(10_000 - 270 * 37, balance.Available);
        Assert.Equal(270L * 37, await ScalarAsync<long>(
            "SELECT sum(tpp)::bigint FROM reservation_draws JOIN reservations USING (reservation_id) WHERE state IN (1, 2)"));
        var consistency = await cluster.Client(0)!.CheckConsistencyAsync(new CheckConsistencyRequest());
        Assert.True(consistency.Consistent, string.Join("; ", consistency.Discrepancies));
    }

    [Theory]
    [InlineData("", "country/AE/2025-2027", 1, 0u, "reservation_id")]
    [InlineData("a", "", 1, 0u, "draws[0].bucket_id")]
    [InlineData("a", "country/ae/2025-2027", 1, 0u, "draws[0].bucket_id")]
    [InlineData("a", "bucket/AE", 1, 0u, "draws[0].bucket_id")]
    [InlineData("a", "country/AE/2025-2027", 0, 0u, "draws[0].tpp")]
    [InlineData("a", "country/AE/2025-2027", -5, 0u, "draws[0].tpp")]
    [InlineData("a", "country/AE/2025-2027", 9007199254740992, 0u, "draws[0].tpp")]
    [InlineData("a", "country/AE/2025-2027", 1, 86401u, "ttl_seconds")]
    public async Task Reserve_Malformed_IsInvalidArgumentNamingTheField(string id, string bucket, long tpp, uint ttl, string field)
    {
        await using var cluster = await QuotaCluster.StartAsync(Settings(), 1);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await cluster.Client(0)!.ReserveAsync(
            new ReserveRequest { ReservationId = id, TtlSeconds = ttl, Draws = { new Draw { BucketId = bucket, Tpp = tpp } } }));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith(field + ":", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM reservations"));
    }

    [Fact]
    public async Task Malformed_OtherShapes_AreInvalidArgumentNothingHalfApplied()
    {
        await using var cluster = await QuotaCluster.StartAsync(Settings(), 1);
        var client = cluster.Client(0)!;

        await AssertStatusAsync(StatusCode.InvalidArgument, "draws:", () => client.ReserveAsync(new ReserveRequest { ReservationId = "a" }).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "draws[1].bucket_id:", () => client.ReserveAsync(new ReserveRequest
        {
            ReservationId = "a",
            Draws = { new Draw { BucketId = "lpp/c/2026", Tpp = 1 }, new Draw { BucketId = "lpp/c/2026", Tpp = 2 } },
        }).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "draws[1].tpp:", () => client.ReserveAsync(new ReserveRequest
        {
            ReservationId = "a",
            Draws = { new Draw { BucketId = "lpp/c/2026", Tpp = 1 }, new Draw { BucketId = "lpp/d/2026", Tpp = 0 } },
        }).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "rule_set:", () => client.ReserveAsync(new ReserveRequest
        {
            ReservationId = "a",
            RuleSet = "no-such-set",
            Draws = { new Draw { BucketId = "lpp/c/2026", Tpp = 1 } },
        }).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "cap:", () => client.SetAllocationAsync(new SetAllocationRequest { BucketId = "lpp/c/2026", Cap = -1, Reason = "x" }).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "reason:", () => client.SetAllocationAsync(new SetAllocationRequest { BucketId = "lpp/c/2026", Cap = 5, Reason = "  " }).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "bucket_id:", () => client.GetBalanceAsync(new GetBalanceRequest { BucketId = "x" }).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "reservation_id:", () => client.CommitAsync(new CommitRequest()).ResponseAsync);
        await AssertStatusAsync(StatusCode.NotFound, "bucket_id:", () => client.GetBalanceAsync(new GetBalanceRequest { BucketId = "country/US/2025-2027" }).ResponseAsync);
        await AssertStatusAsync(StatusCode.NotFound, "reservation_id:", () => client.CommitAsync(new CommitRequest { ReservationId = "nope" }).ResponseAsync);
        await AssertStatusAsync(StatusCode.NotFound, "reservation_id:", () => client.ReleaseAsync(new ReleaseRequest { ReservationId = "nope" }).ResponseAsync);
        await AssertStatusAsync(StatusCode.NotFound, "reservation_id:", () => client.GetReservationAsync(new GetReservationRequest { ReservationId = "nope" }).ResponseAsync);

        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM reservations"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM allocation_changes"));
        var unknown = await client.ReserveAsync(new ReserveRequest { ReservationId = "u", Draws = { new Draw { BucketId = "country/US/2025-2027", Tpp = 1 } } });
        Assert.Equal(ReserveOutcome.UnknownBucket, unknown.Outcome);
        Assert.Contains(unknown.Reasons, r => r.Code == "QUOTA.UNKNOWN_BUCKET");
    }

    [Fact]
    public async Task SetAllocation_AuditsTheAuthenticatedSubject_IgnoresAnActorHeader_RefusesAnotherActorInTheBody()
    {
        await using var cluster = await QuotaCluster.StartAsync(Settings(), 1);
        var officer = cluster.Client(0, TestTokens.Create("officer-42", Roles.Officer));

        var answer = await officer.SetAllocationAsync(
            new SetAllocationRequest { BucketId = "country/SA/2025-2027", Cap = 1_580_000_000, Reason = "government-to-government agreement" },
            new Metadata { { "x-actor", "someone-else" } });
        var claimed = await Assert.ThrowsAsync<RpcException>(() => officer.SetAllocationAsync(
            new SetAllocationRequest { BucketId = "country/SA/2025-2027", Cap = 1, Reason = "r", Actor = "officer-7" }).ResponseAsync);
        var own = await officer.SetAllocationAsync(
            new SetAllocationRequest { BucketId = "country/SA/2025-2027", Cap = 1_580_000_001, Reason = "correction", Actor = "officer-42" });

        Assert.Equal(-1, answer.PreviousCap);
        Assert.Equal(1_580_000_000, answer.Balance.Cap);
        Assert.Equal(StatusCode.InvalidArgument, claimed.StatusCode);
        Assert.StartsWith("actor: 'officer-7' is not the authenticated caller", claimed.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(1_580_000_000, own.PreviousCap);
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM allocation_changes WHERE bucket_id = 'country/SA/2025-2027'"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(DISTINCT actor) FROM allocation_changes WHERE bucket_id = 'country/SA/2025-2027'"));
        Assert.Equal("officer-42", await ScalarAsync<string>("SELECT actor FROM allocation_changes WHERE bucket_id = 'country/SA/2025-2027' ORDER BY change_id LIMIT 1"));
        Assert.Equal("government-to-government agreement", await ScalarAsync<string>("SELECT reason FROM allocation_changes ORDER BY change_id LIMIT 1"));
        Assert.Equal(answer.ChangedAt.ToDateTime(), await ScalarAsync<DateTime>("SELECT changed_at FROM allocation_changes ORDER BY change_id LIMIT 1"));
        var listed = await officer.ListBucketsAsync(new ListBucketsRequest { Prefix = "country/" });
        Assert.Equal(1_580_000_001, Assert.Single(listed.Balances).Cap);
        // The audit trail holds both changes, by the same subject, in a chain that verifies.
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM audit.events WHERE kind = 'cap.set' AND subject = 'country/SA/2025-2027' AND actor = 'officer-42'"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM audit.events WHERE actor <> 'officer-42'"));
        Assert.Contains("\"reason\":\"correction\"", await ScalarAsync<string>("SELECT details FROM audit.events WHERE seq = 2"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reservation_RoundTrip_ReportsStateAndReasons()
    {
        await using var cluster = await QuotaCluster.StartAsync(Settings(), 1);
        var client = cluster.Client(0)!;

        var reserved = await client.ReserveAsync(new ReserveRequest
        {
            ReservationId = "order-1",
            TtlSeconds = 60,
            Draws = { new Draw { BucketId = "country/AE/2025-2027", Tpp = 15_832 }, new Draw { BucketId = "nveu/veu-7/IN", Tpp = 5 } },
        });
        var committed = await client.CommitAsync(new CommitRequest { ReservationId = "order-1" });
        var stored = await client.GetReservationAsync(new GetReservationRequest { ReservationId = "order-1" });

        Assert.Equal(ReserveOutcome.Reserved, reserved.Outcome);
        Assert.Equal(2, reserved.Reasons.Count);
        Assert.Contains(reserved.Reasons, r => r.Citation.Contains("742.6", StringComparison.Ordinal) && r.Confidence == "S");
        Assert.InRange((reserved.ExpiresAt.ToDateTimeOffset() - DateTimeOffset.UtcNow).TotalSeconds, 50, 61);
        Assert.Equal(ReservationState.Committed, committed.State);
        Assert.Contains(committed.Balances, b => b.BucketId == "country/AE/2025-2027" && b.Committed == 15_832 && b.Available == 790_000_000 - 15_832);
        Assert.Equal(ReservationState.Committed, stored.State);
        Assert.Equal(2, stored.Draws.Count);
    }

    [Fact]
    public async Task HostileStrings_AreInvalidArgumentNamingTheField_NeverReachTheLedger()
    {
        await using var cluster = await QuotaCluster.StartAsync(Settings(), 1);
        var client = cluster.Client(0)!;
        var huge = new string('x', 100_000);

        await AssertHostileAsync("reservation_id:", () => client.ReserveAsync(new ReserveRequest { ReservationId = "\0", Draws = { new Draw { BucketId = "lpp/c/2026", Tpp = 1 } } }).ResponseAsync);
        await AssertHostileAsync("reservation_id:", () => client.ReserveAsync(new ReserveRequest { ReservationId = "a\u0000b", Draws = { new Draw { BucketId = "lpp/c/2026", Tpp = 1 } } }).ResponseAsync);
        await AssertHostileAsync("draws[0].bucket_id:", () => client.ReserveAsync(new ReserveRequest { ReservationId = "a", Draws = { new Draw { BucketId = "lpp/c\u0000/2026", Tpp = 1 } } }).ResponseAsync);
        // A tab separates the fields of a reservation's Redis record (RedisRecord): no id or bucket may hold one.
        await AssertHostileAsync("reservation_id:", () => client.ReserveAsync(new ReserveRequest { ReservationId = "a\tb", Draws = { new Draw { BucketId = "lpp/c/2026", Tpp = 1 } } }).ResponseAsync);
        await AssertHostileAsync("draws[0].bucket_id:", () => client.ReserveAsync(new ReserveRequest { ReservationId = "a", Draws = { new Draw { BucketId = "lpp/c\t/2026", Tpp = 1 } } }).ResponseAsync);
        await AssertHostileAsync("reservation_id:", () => client.CommitAsync(new CommitRequest { ReservationId = "\0" }).ResponseAsync);
        await AssertHostileAsync("reservation_id:", () => client.ReleaseAsync(new ReleaseRequest { ReservationId = "a\u0000b" }).ResponseAsync);
        await AssertHostileAsync("reservation_id:", () => client.GetReservationAsync(new GetReservationRequest { ReservationId = "\u001b[2J" }).ResponseAsync);
        await AssertHostileAsync("reason:", () => client.SetAllocationAsync(new SetAllocationRequest { BucketId = "lpp/c/2026", Cap = 1, Reason = "cap\0" }).ResponseAsync);
        await AssertHostileAsync("actor:", () => client.SetAllocationAsync(new SetAllocationRequest { BucketId = "lpp/c/2026", Cap = 1, Reason = "r", Actor = "a\0" }).ResponseAsync);
        await AssertHostileAsync("prefix:", () => client.ListBucketsAsync(new ListBucketsRequest { Prefix = "\0" }).ResponseAsync);
        await AssertHostileAsync("reservation_id:", () => client.CommitAsync(new CommitRequest { ReservationId = huge }).ResponseAsync);
        await AssertHostileAsync("bucket_id:", () => client.GetBalanceAsync(new GetBalanceRequest { BucketId = huge }).ResponseAsync);
        await AssertHostileAsync("reason:", () => client.SetAllocationAsync(new SetAllocationRequest { BucketId = "lpp/c/2026", Cap = 1, Reason = huge }).ResponseAsync);
        await AssertHostileAsync("rule_set:", () => client.ReserveAsync(new ReserveRequest { ReservationId = "a", RuleSet = huge, Draws = { new Draw { BucketId = "lpp/c/2026", Tpp = 1 } } }).ResponseAsync);
        await AssertHostileAsync("rule_set:", () => client.GetBalanceAsync(new GetBalanceRequest { BucketId = "lpp/c/2026", RuleSet = huge }).ResponseAsync);
        await AssertHostileAsync("rule_set:", () => client.ListBucketsAsync(new ListBucketsRequest { RuleSet = "aid-2026\0" }).ResponseAsync);

        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM reservations"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM allocation_changes"));
    }

    [Fact]
    public async Task BucketIdOutsideTheGrammar_MessageQuotesAShortPrefix()
    {
        await using var cluster = await QuotaCluster.StartAsync(Settings(), 1);
        var id = "bucket/" + new string('x', 190);

        var e = await Assert.ThrowsAsync<RpcException>(() => cluster.Client(0)!.GetBalanceAsync(new GetBalanceRequest { BucketId = id }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("bucket_id: 'bucket/xxx", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("...' is not a bucket id (", e.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('x', RequestText.MaxQuoted), e.Status.Detail, StringComparison.Ordinal);
    }

    /// <summary>INVALID_ARGUMENT naming the field, in a message that quotes the input only briefly (well under 1 KiB).</summary>
    private static async Task AssertHostileAsync(string prefix, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith(prefix, e.Status.Detail, StringComparison.Ordinal);
        Assert.True(e.Status.Detail.Length < 300, $"{e.Status.Detail.Length} characters");
        Assert.DoesNotContain('\0', e.Status.Detail);
    }

    private static async Task AssertStatusAsync(StatusCode code, string prefix, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, e.StatusCode);
        Assert.StartsWith(prefix, e.Status.Detail, StringComparison.Ordinal);
    }
}
