using Diffusion.EndUsers.Storage;
using Diffusion.EndUsers.Tests.Rules;
using Diffusion.Rules.EndUsers;
using Diffusion.Rules.EndUsers.Deployment;
using Diffusion.Storage.Audit;
using Diffusion.Testing.Postgres;
using Npgsql;

namespace Diffusion.EndUsers.Tests.Storage;

[Collection(PostgresCollection.Name)]
public sealed class EndUserStoreTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly List<NpgsqlDataSource> dataSources = [];
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        connectionString = await postgres.CreateDatabaseAsync();
        await MigrationRunner.MigrateAsync(DataSource(), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        foreach (var dataSource in dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }

    [Fact]
    public async Task Migrations_AppliedTwiceConcurrently_ApplyOnce()
    {
        var runs = Enumerable.Range(0, 4).Select(_ =>
            MigrationRunner.MigrateAsync(DataSource(), CancellationToken.None));
        await Task.WhenAll(runs);

        await using var command = DataSource().CreateCommand("SELECT count(*) FROM endusers.schema_version");
        Assert.Equal((long)MigrationRunner.Migrations.Migrations.Count, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Register_Get_List_SetStatus_RoundTrip()
    {
        var store = Store();
        var veu = new Veu("nveu-rt", VeuKind.National, "Gulf DC", "AE", "SA", ["SA", "AE"], VeuStatus.Active,
            Fixtures.AsOf, Fixtures.AsOf.AddYears(5));

        Assert.Equal(veu, await store.RegisterAsync(veu, "aid-2025", "officer-1", default));
        Assert.Equal(veu, await store.RegisterAsync(veu, "aid-2025", "officer-1", default));   // a retry
        Assert.Equal(veu, await store.GetAsync("nveu-rt", default));
        Assert.Equal(["AE", "SA"], (await store.GetAsync("nveu-rt", default))!.AuthorizedCountries);
        Assert.Contains(veu, await store.ListAsync(default));
        Assert.Null(await store.GetAsync("nobody", default));

        var conflict = await Assert.ThrowsAsync<IdempotencyConflictException>(
            () => store.RegisterAsync(new Veu("nveu-rt", VeuKind.National, "Other", "AE", "", ["AE"], VeuStatus.Active, Fixtures.AsOf, null), "aid-2025", "officer-1", default));
        Assert.Equal("veu.id", conflict.Field);

        var suspended = await store.SetStatusAsync("nveu-rt", VeuStatus.Suspended, "audit", "officer-1", default);
        Assert.Equal(VeuStatus.Suspended, suspended!.Status);
        Assert.Equal(VeuStatus.Suspended, (await store.GetAsync("nveu-rt", default))!.Status);
        Assert.Null(await store.SetStatusAsync("nobody", VeuStatus.Revoked, "x", "officer-1", default));

        // Audited once each (the retry and the conflict add nothing), by the actor given, in a chain that verifies.
        var trail = await AuditLog.ReadAsync(DataSource()).ToListAsync();
        Assert.Equal([(AuditKinds.VeuRegistered, "nveu-rt", "officer-1"), (AuditKinds.VeuStatusSet, "nveu-rt", "officer-1")],
            trail.Select(e => (e.Record.Kind, e.Record.Subject, e.Record.Actor)));
        Assert.Null(AuditChain.Verify(trail, [], publicKey: null));
    }

    [Fact]
    public async Task Deployments_AndAttrition_AreIdempotent_AndAttritionKeepsCumulativeDeployments()
    {
        var store = Store();
        var veu = await store.RegisterAsync(Fixtures.Nveu("AE", "AE"), "aid-2025", "officer-1", default);

        var first = await store.RecordDeploymentAsync(Deployment("d1", veu.Id, "AE", 1_000), Allow, default);
        var retry = await store.RecordDeploymentAsync(Deployment("d1", veu.Id, "AE", 1_000), Allow, default);
        Assert.Equal(RecordOutcome.Recorded, first.Outcome);
        Assert.Equal(RecordOutcome.AlreadyRecorded, retry.Outcome);
        Assert.Equal(first.InstalledBase, retry.InstalledBase);
        await Assert.ThrowsAsync<IdempotencyConflictException>(
            () => store.RecordDeploymentAsync(Deployment("d1", veu.Id, "AE", 999), Allow, default));

        var attrition = new AttritionRecord("a1", veu.Id, "AE", 300, AttritionKind.Failure, "PSU fire", Fixtures.AsOf);
        await store.RecordAttritionAsync(attrition, default);
        var after = await store.RecordAttritionAsync(attrition, default);   // a retry
        var ae = after.For("AE");
        Assert.Equal((1_000L, 300L, 700L), (ae.DeployedTpp, ae.AttritionTpp, ae.InstalledTpp));
        Assert.Equal(after, await store.GetInstalledBaseAsync(veu.Id, default));

        var tooMuch = await Assert.ThrowsAsync<PreconditionFailedException>(
            () => store.RecordAttritionAsync(attrition with { EventId = "a2", Tpp = 701 }, default));
        Assert.Equal("tpp", tooMuch.Field);
        await Assert.ThrowsAsync<KeyNotFoundException>(
            () => store.RecordAttritionAsync(attrition with { EventId = "a3", VeuId = "nobody" }, default));
    }

    [Fact]
    public async Task RefusedDeployment_RecordsNothing()
    {
        var store = Store();
        var veu = await store.RegisterAsync(Fixtures.Uveu("DE"), "aid-2025", "officer-1", default);

        var result = await Record(store, "r1", veu.Id, "SA", 10);

        Assert.Equal(RecordOutcome.Refused, result.Outcome);
        Assert.Empty((await store.GetInstalledBaseAsync(veu.Id, default)).Countries);
    }

    /// <summary>
    /// 930 TPP in Germany; 7 % in one Tier 2 country allows 70 TPP in Saudi Arabia (70 of 1,000 is exactly 7 %).
    /// 24 deployments of 10 TPP race from two store instances (as two replicas would): exactly 7 may be recorded.
    /// </summary>
    [Fact]
    public async Task ConcurrentDeployments_OfOneUveu_CannotTogetherBreakTheTier2CountryShare()
    {
        var setup = Store();
        var veu = await setup.RegisterAsync(Fixtures.Uveu("DE"), "aid-2025", "officer-1", default);
        Assert.Equal(RecordOutcome.Recorded, (await Record(setup, "base", veu.Id, "DE", 930)).Outcome);

        var replicas = new[] { Store(), Store() };
        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() =>
            Record(replicas[i % 2], $"sa-{i}", veu.Id, "SA", 10))));

        Assert.Equal(7, results.Count(r => r.Outcome == RecordOutcome.Recorded));
        Assert.Equal(17, results.Count(r => r.Outcome == RecordOutcome.Refused));
        var final = await setup.GetInstalledBaseAsync(veu.Id, default);
        Assert.Equal(70, final.For("SA").InstalledTpp);
        Assert.True(new SharePercent(7m).IsAtMostShareOf(final.For("SA").InstalledTpp, final.TotalInstalledTpp));
    }

    private static Task<RecordResult> Record(EndUserStore store, string id, string veuId, string country, long tpp)
    {
        var deployment = Deployment(id, veuId, country, tpp);
        return store.RecordDeploymentAsync(
            deployment,
            (veu, before) => DeploymentEvaluator.Default.Evaluate(
                new DeploymentContext(veu, country, tpp, Fixtures.AsOf, before, Fixtures.Rules, Fixtures.TierOf, null)),
            default);
    }

    private static DeploymentVerdict Allow(Veu veu, InstalledBase before) => new(true, [], []);

    private static DeploymentRecord Deployment(string id, string veuId, string country, long tpp) =>
        new(id, veuId, country, tpp, Fixtures.AsOf, "aid-2025", null);

    private EndUserStore Store() => new(DataSource(), TimeProvider.System);

    private NpgsqlDataSource DataSource()
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        dataSources.Add(dataSource);
        return dataSource;
    }
}
