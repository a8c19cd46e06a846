using Diffusion.EndUsers.Deployments;
using Diffusion.EndUsers.Storage;
using Diffusion.Endusers.V1;
using Diffusion.Quota.V1;
using Diffusion.Testing.Postgres;
using Diffusion.Testing.Redis;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.EndUsers.Tests.Service;

/// <summary>NVEU deployments through the real Quota service (Redis + PostgreSQL), both services on Kestrel port 0.</summary>
[Collection(QuotaStackCollection.Name)]
public sealed class NveuQuotaTests(PostgresFixture postgres, RedisFixture redis) : IAsyncLifetime
{
    private static readonly Timestamp AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));

    private QuotaNode quota = null!;
    private EndUsersHost endUsers = null!;
    private string ledger = "";

    private EndUserService.EndUserServiceClient Client => endUsers.Client;

    public async Task InitializeAsync()
    {
        ledger = await postgres.CreateDatabaseAsync();
        quota = await QuotaNode.StartAsync(new Dictionary<string, string?>(QuotaNode.Settings(redis.ConnectionString, await postgres.CreateDatabaseAsync())) { ["Quota:DefaultRuleSet"] = "aid-2025" });
        endUsers = await EndUsersHost.StartAsync(ledger, quota.Address.ToString());
    }

    public async Task DisposeAsync()
    {
        await endUsers.DisposeAsync();
        await quota.DisposeAsync();
    }

    [Fact]
    public async Task RecordDeployment_ReservesAndCommitsItsBucket_AndARetryDrawsNothingMore()
    {
        await RegisterNveu("nveu-q");

        var first = await Record("q-1", "nveu-q", 1_000);
        var retry = await Record("q-1", "nveu-q", 1_000);

        Assert.True(first.Recorded);
        Assert.Equal("endusers/deployment/q-1", first.ReservationId);
        Assert.True(retry.Recorded);
        Assert.Equal(first.ReservationId, retry.ReservationId);
        var balance = await Balance("nveu-q");
        Assert.Equal((1_000L, 0L), (balance.Committed, balance.Pending));
        // Recorded under its reservation: Quota's atomic check decided the allocation, the rule only reports it.
        Assert.Contains(first.Check.Reasons, r => r.Code == "NVEU.COUNTRY_ALLOCATION" && r.Message.Contains("Quota bucket", StringComparison.Ordinal));
        // A check tests the same store: the bucket's cap and what it holds (issue 14: one store decides one cap).
        var check = await Client.CheckDeploymentAsync(new CheckDeploymentRequest { VeuId = "nveu-q", Country = "AE", Tpp = 1, AsOf = AsOf, RuleSet = "aid-2025" });
        var limit = Assert.Single(check.Limits, l => l.LimitId == "NVEU.COUNTRY_ALLOCATION");
        Assert.Equal(balance.Cap, limit.LimitTpp);
        Assert.Equal(1_001, limit.ProjectedTpp);
    }

    /// <summary>
    /// An officer caps nveu/nveu-c/AE at 100 TPP; 30 deployments of 10 TPP race through two EndUsers replicas:
    /// exactly ten are recorded, and Quota's committed total and EndUsers' installed base agree at 100.
    /// </summary>
    [Fact]
    public async Task ConcurrentDeployments_OfOneNveu_AcrossTwoReplicas_CannotTogetherPassItsAllocation()
    {
        await RegisterNveu("nveu-c");
        await quota.Client.SetAllocationAsync(new SetAllocationRequest { BucketId = "nveu/nveu-c/AE", Cap = 100, Reason = "test: small cap" });
        await using var replica = await EndUsersHost.StartAsync(ledger, quota.Address.ToString());
        var clients = new[] { Client, replica.Client };

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => clients[i % 2].RecordDeploymentAsync(new RecordDeploymentRequest
        {
            DeploymentId = $"c-{i}", VeuId = "nveu-c", Country = "AE", Tpp = 10, AsOf = AsOf, RuleSet = "aid-2025",
        }).ResponseAsync));

        Assert.Equal(10, results.Count(r => r.Recorded));
        Assert.All(results.Where(r => !r.Recorded), r => Assert.Contains(r.Check.Reasons, x => x.Code == "NVEU.QUOTA"));
        var balance = await Balance("nveu-c");
        Assert.Equal((100L, 0L), (balance.Committed, balance.Pending));
        var installed = await Client.GetInstalledBaseAsync(new GetInstalledBaseRequest { VeuId = "nveu-c" });
        Assert.Equal(100, Assert.Single(installed.Countries).DeployedTpp);

        // Attrition leaves the installed base but gives no allocation back.
        await Client.RecordAttritionAsync(new RecordAttritionRequest { EventId = "c-loss", VeuId = "nveu-c", Country = "AE", Tpp = 50, Kind = Endusers.V1.AttritionKind.Loss });
        var after = await Record("c-after", "nveu-c", 10);
        Assert.False(after.Recorded);
        var unchanged = await Balance("nveu-c");
        Assert.Equal((100L, 0L), (unchanged.Committed, unchanged.Pending));
    }

    /// <summary>
    /// 400 NVEU deployments, eight at a time, whose callers give up after 1-20 ms (over gRPC, so the deadline also
    /// reaches the Quota calls EndUsers makes): once the work they left has settled, Quota has committed exactly what
    /// EndUsers recorded and holds nothing pending.
    /// </summary>
    [Fact]
    public async Task RecordDeployment_CallersWithDeadlinesOf1To20Ms_EndUsersAndQuotaAgree()
    {
        await RegisterNveu("nveu-t");
        Assert.True((await Record("t-warm", "nveu-t", 10)).Recorded); // every path warm (JIT, connections), so 1-20 ms can reach each step
        var random = new Random(16);
        var deadlines = Enumerable.Range(0, 400).Select(_ => TimeSpan.FromMilliseconds(random.Next(1, 21))).ToList();
        var otherAnswers = new System.Collections.Concurrent.ConcurrentBag<string>();

        await Parallel.ForEachAsync(Enumerable.Range(0, deadlines.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            try
            {
                await Client.RecordDeploymentAsync(new RecordDeploymentRequest
                {
                    DeploymentId = $"t-{i}", VeuId = "nveu-t", Country = "AE", Tpp = 10, AsOf = AsOf, RuleSet = "aid-2025",
                }, deadline: DateTime.UtcNow + deadlines[i], cancellationToken: ct);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Cancelled)
            {
                // The caller stopped waiting; the deployment may or may not be recorded.
            }
            catch (RpcException e)
            {
                otherAnswers.Add($"{e.StatusCode} {e.Status.Detail}");
            }
        });

        var until = DateTime.UtcNow.AddSeconds(30);
        (long Committed, long Pending, long Deployed) state;
        do
        {
            await Task.Delay(200);
            var balance = await Balance("nveu-t");
            var installed = await Client.GetInstalledBaseAsync(new GetInstalledBaseRequest { VeuId = "nveu-t" });
            state = (balance.Committed, balance.Pending, installed.Countries.Sum(c => c.DeployedTpp));
        }
        while ((state.Pending != 0 || state.Committed != state.Deployed) && DateTime.UtcNow < until);

        Assert.True(state.Pending == 0 && state.Committed == state.Deployed,
            $"Quota committed {state.Committed} TPP and holds {state.Pending} pending; EndUsers recorded {state.Deployed}");
        // Quota is up: its calls run on EndUsers' own deadline, so the caller's can only make the caller stop waiting.
        Assert.Empty(otherAnswers);
    }

    [Fact]
    public async Task QuotaDown_IsUnavailable_AndNothingIsRecorded()
    {
        await RegisterNveu("nveu-d");
        await using var orphan = await EndUsersHost.StartAsync(ledger, "http://127.0.0.1:9");

        var error = await Assert.ThrowsAsync<RpcException>(() => orphan.Client.RecordDeploymentAsync(new RecordDeploymentRequest
        {
            DeploymentId = "d-1", VeuId = "nveu-d", Country = "AE", Tpp = 10, AsOf = AsOf, RuleSet = "aid-2025",
        }).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Empty((await Client.GetInstalledBaseAsync(new GetInstalledBaseRequest { VeuId = "nveu-d" })).Countries);
        // An NVEU's check reads its Quota bucket (the one store of its cap): unavailable too, fails closed.
        var check = await Assert.ThrowsAsync<RpcException>(() => orphan.Client.CheckDeploymentAsync(new CheckDeploymentRequest
        {
            VeuId = "nveu-d", Country = "AE", Tpp = 10, AsOf = AsOf, RuleSet = "aid-2025",
        }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, check.StatusCode);
    }

    [Fact]
    public async Task ExternalReservation_IsNeitherReservedNorCommittedByEndUsers()
    {
        await RegisterNveu("nveu-x");
        var reserved = await quota.Client.ReserveAsync(new ReserveRequest
        {
            ReservationId = "decisions/order-1",
            RuleSet = "aid-2025",
            Draws = { new Draw { BucketId = "nveu/nveu-x/AE", Tpp = 40 } },
        });
        Assert.Equal(ReserveOutcome.Reserved, reserved.Outcome);

        var recorded = await Client.RecordDeploymentAsync(new RecordDeploymentRequest
        {
            DeploymentId = "x-1", VeuId = "nveu-x", Country = "AE", Tpp = 40, AsOf = AsOf, RuleSet = "aid-2025", ReservationId = "decisions/order-1",
        });

        Assert.True(recorded.Recorded);
        Assert.Equal("decisions/order-1", recorded.ReservationId);
        var balance = await Balance("nveu-x");
        Assert.Equal((0L, 40L), (balance.Committed, balance.Pending));   // still the caller's to commit
    }

    /// <summary>
    /// Quota failed between recording and committing: the deployment is recorded with its reservation pending; the
    /// commit sweep (also run by a retry) commits it, exactly once.
    /// </summary>
    [Fact]
    public async Task RecordedButUncommitted_IsCommittedByTheSweep()
    {
        await RegisterNveu("nveu-s");
        var reservationId = "endusers/deployment/s-1";
        await quota.Client.ReserveAsync(new ReserveRequest
        {
            ReservationId = reservationId, RuleSet = "aid-2025", TtlSeconds = 600,
            Draws = { new Draw { BucketId = "nveu/nveu-s/AE", Tpp = 25 } },
        });
        var store = endUsers.Services.GetRequiredService<EndUserStore>();
        var recorded = await store.RecordDeploymentAsync(
            new DeploymentRecord("s-1", "nveu-s", "AE", 25, AsOf.ToDateTimeOffset(), "aid-2025", reservationId),
            (_, _) => new Diffusion.Rules.EndUsers.Deployment.DeploymentVerdict(true, [], []),
            default);
        Assert.Equal(RecordOutcome.Recorded, recorded.Outcome);
        Assert.Equal(25, (await Balance("nveu-s")).Pending);

        var coordinator = endUsers.Services.GetRequiredService<DeploymentCoordinator>();
        Assert.Equal(1, await coordinator.CommitPendingAsync(default));
        Assert.Equal(0, await coordinator.CommitPendingAsync(default));

        var balance = await Balance("nveu-s");
        Assert.Equal((25L, 0L), (balance.Committed, balance.Pending));
    }

    private async Task RegisterNveu(string id)
    {
        var response = await Client.RegisterVeuAsync(new RegisterVeuRequest
        {
            AsOf = AsOf,
            RuleSet = "aid-2025",
            Veu = new Endusers.V1.Veu
            {
                Id = id,
                Kind = VeuKind.Nveu,
                Name = "Gulf DC " + id,
                HeadquartersCountry = "AE",
                AuthorizedCountries = { "AE" },
                ValidFrom = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 1, 15, 0, 0, 0, TimeSpan.Zero)),
            },
        });
        Assert.True(response.Registered);
    }

    private Task<RecordDeploymentResponse> Record(string id, string veuId, long tpp) =>
        Client.RecordDeploymentAsync(new RecordDeploymentRequest
        {
            DeploymentId = id, VeuId = veuId, Country = "AE", Tpp = tpp, AsOf = AsOf, RuleSet = "aid-2025",
        }).ResponseAsync;

    private async Task<GetBalanceResponse> Balance(string veuId) =>
        await quota.Client.GetBalanceAsync(new GetBalanceRequest { BucketId = $"nveu/{veuId}/AE", RuleSet = "aid-2025" });
}
