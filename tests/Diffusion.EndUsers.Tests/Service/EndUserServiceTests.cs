using Diffusion.Endusers.V1;
using Diffusion.Testing.Postgres;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Diffusion.EndUsers.Tests.Service;

/// <summary>The service over gRPC with a real PostgreSQL; UVEU paths and request validation need no Quota.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EndUserServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>A port nothing listens on: Quota is down.</summary>
    private const string QuotaDown = "http://127.0.0.1:9";

    private static readonly Timestamp AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));

    private EndUsersHost host = null!;
    private string ledger = "";

    private EndUserService.EndUserServiceClient Client => host.Client;

    public async Task InitializeAsync()
    {
        ledger = await postgres.CreateDatabaseAsync();
        host = await EndUsersHost.StartAsync(ledger, QuotaDown);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Register_Get_List_SetStatus()
    {
        var registered = await Client.RegisterVeuAsync(Register(Uveu("uveu-a", "US")));
        Assert.True(registered.Registered);
        Assert.Empty(registered.Reasons);

        var veu = await Client.GetVeuAsync(new GetVeuRequest { VeuId = "uveu-a" });
        Assert.Equal(VeuKind.Uveu, veu.Kind);
        Assert.Equal(VeuStatus.Active, veu.Status);
        Assert.Contains(veu, (await Client.ListVeusAsync(new ListVeusRequest())).Veus);

        var suspended = await Client.SetVeuStatusAsync(new SetVeuStatusRequest { VeuId = "uveu-a", Status = VeuStatus.Suspended, Reason = "audit" });
        Assert.Equal(VeuStatus.Suspended, suspended.Status);

        var check = await Client.CheckDeploymentAsync(new CheckDeploymentRequest { VeuId = "uveu-a", Country = "US", Tpp = 1, AsOf = AsOf, RuleSet = "aid-2025" });
        Assert.False(check.Allowed);
        Assert.Contains(check.Reasons, r => r.Code == "VEU.STANDING");
    }

    [Fact]
    public async Task Register_UveuHeadquarteredInTier2_IsRefusedWithReasons_AndNotStored()
    {
        var response = await Client.RegisterVeuAsync(Register(Uveu("uveu-ae", "AE")));

        Assert.False(response.Registered);
        var reason = Assert.Single(response.Reasons);
        Assert.Equal("UVEU.HEADQUARTERS_TIER1", reason.Code);
        Assert.Equal("R", reason.Confidence);
        Assert.StartsWith("15 CFR 748.15", reason.Citation, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<RpcException>(() => Client.GetVeuAsync(new GetVeuRequest { VeuId = "uveu-ae" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Uveu_DeploymentsAndAttrition_KeepTheInstalledBase_AndTheLimitsAnswerWithNumbers()
    {
        await Client.RegisterVeuAsync(Register(Uveu("uveu-b", "US")));
        var us = await Record("d-us", "uveu-b", "US", 930);
        Assert.True(us.Recorded);
        Assert.Equal("aid-2025", us.Check.RuleSet);

        var exactly7 = await Client.CheckDeploymentAsync(Check("uveu-b", "SA", 70));
        Assert.True(exactly7.Allowed);
        var share = Assert.Single(exactly7.Limits, l => l.LimitId == "UVEU.TIER2_COUNTRY_SHARE");
        Assert.Equal((70L, 70L, 0L), (share.LimitTpp, share.ProjectedTpp, share.HeadroomTpp));

        var over = await Record("d-sa", "uveu-b", "SA", 71);
        Assert.False(over.Recorded);
        var overShare = Assert.Single(over.Check.Limits, l => l.LimitId == "UVEU.TIER2_COUNTRY_SHARE");
        Assert.Equal((70L, 71L, -1L), (overShare.LimitTpp, overShare.ProjectedTpp, overShare.HeadroomTpp));
        Assert.Contains("Supp. 10 para 6", overShare.Citation, StringComparison.Ordinal);
        Assert.Contains(over.Check.Reasons, r => r.Code == "UVEU.TIER2_COUNTRY_SHARE" && r.Confidence == "S" && r.Message.Contains("over by 1", StringComparison.Ordinal));

        var retry = await Record("d-us", "uveu-b", "US", 930);
        Assert.True(retry.Recorded);
        Assert.Equal(930, retry.InstalledBase.TotalInstalledTpp);

        var attrition = await Client.RecordAttritionAsync(new RecordAttritionRequest
        {
            EventId = "a-1", VeuId = "uveu-b", Country = "US", Tpp = 30, Kind = AttritionKind.Failure, AsOf = AsOf,
        });
        var usBase = Assert.Single(attrition.InstalledBase.Countries, c => c.Country == "US");
        Assert.Equal((930L, 30L, 900L), (usBase.DeployedTpp, usBase.AttritionTpp, usBase.InstalledTpp));
        Assert.Equal(attrition.InstalledBase, await Client.GetInstalledBaseAsync(new GetInstalledBaseRequest { VeuId = "uveu-b" }));

        var tooMuch = await Assert.ThrowsAsync<RpcException>(() => Client.RecordAttritionAsync(new RecordAttritionRequest
        {
            EventId = "a-2", VeuId = "uveu-b", Country = "US", Tpp = 901, Kind = AttritionKind.Loss,
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, tooMuch.StatusCode);
        Assert.StartsWith("tpp:", tooMuch.Status.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// 930 TPP in the US; 40 concurrent 10-TPP deployments into Saudi Arabia (7 % cap: 70 of 1,000) from two service
    /// replicas sharing one ledger: exactly seven are recorded, and the final share is exactly 7 %.
    /// </summary>
    [Fact]
    public async Task ConcurrentDeployments_OfOneUveu_AcrossTwoReplicas_CannotTogetherBreakALimit()
    {
        await Client.RegisterVeuAsync(Register(Uveu("uveu-c", "US")));
        Assert.True((await Record("c-us", "uveu-c", "US", 930)).Recorded);
        await using var replica = await EndUsersHost.StartAsync(ledger, QuotaDown);
        var clients = new[] { Client, replica.Client };

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            clients[i % 2].RecordDeploymentAsync(new RecordDeploymentRequest
            {
                DeploymentId = $"c-sa-{i}", VeuId = "uveu-c", Country = "SA", Tpp = 10, AsOf = AsOf, RuleSet = "aid-2025",
            }).ResponseAsync));

        Assert.Equal(7, results.Count(r => r.Recorded));
        var installed = await Client.GetInstalledBaseAsync(new GetInstalledBaseRequest { VeuId = "uveu-c" });
        Assert.Equal(70, Assert.Single(installed.Countries, c => c.Country == "SA").InstalledTpp);
        Assert.Equal(1_000, installed.TotalInstalledTpp);
    }

    [Theory]
    [InlineData("", "SA", 1, "veu_id")]
    [InlineData("uveu-v", "sa", 1, "country")]
    [InlineData("uveu-v", "SAU", 1, "country")]
    [InlineData("uveu-v", "SA", 0, "tpp")]
    [InlineData("uveu-v", "SA", -5, "tpp")]
    public async Task CheckDeployment_MalformedRequest_IsInvalidArgumentNamingTheField(string veuId, string country, long tpp, string field)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.CheckDeploymentAsync(new CheckDeploymentRequest { VeuId = veuId, Country = country, Tpp = tpp }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedRequests_NameTheirFields()
    {
        await AssertInvalid("veu.kind", () => Client.RegisterVeuAsync(Register(new Veu { Id = "x", HeadquartersCountry = "US" })).ResponseAsync);
        await AssertInvalid("veu.id", () => Client.RegisterVeuAsync(Register(Uveu("", "US"))).ResponseAsync);
        await AssertInvalid("veu.headquarters_country", () => Client.RegisterVeuAsync(Register(Uveu("x", "USA"))).ResponseAsync);
        await AssertInvalid("veu.authorized_countries", () => Client.RegisterVeuAsync(Register(Uveu("x", "US", "DE", "d"))).ResponseAsync);
        await AssertInvalid("rule_set", () => Client.RegisterVeuAsync(new RegisterVeuRequest { Veu = Uveu("x", "US"), RuleSet = "nope" }).ResponseAsync);
        await AssertInvalid("deployment_id", () => Client.RecordDeploymentAsync(new RecordDeploymentRequest { VeuId = "x", Country = "US", Tpp = 1 }).ResponseAsync);
        await AssertInvalid("kind", () => Client.RecordAttritionAsync(new RecordAttritionRequest { EventId = "e", VeuId = "x", Country = "US", Tpp = 1 }).ResponseAsync);
        await AssertInvalid("status", () => Client.SetVeuStatusAsync(new SetVeuStatusRequest { VeuId = "x", Reason = "r" }).ResponseAsync);
        await AssertInvalid("reason", () => Client.SetVeuStatusAsync(new SetVeuStatusRequest { VeuId = "x", Status = VeuStatus.Revoked }).ResponseAsync);
    }

    [Fact]
    public async Task UnknownVeu_IsNotFound()
    {
        foreach (var call in new Func<Task>[]
        {
            () => Client.GetVeuAsync(new GetVeuRequest { VeuId = "ghost" }).ResponseAsync,
            () => Client.CheckDeploymentAsync(new CheckDeploymentRequest { VeuId = "ghost", Country = "US", Tpp = 1, AsOf = AsOf }).ResponseAsync,
            () => Client.RecordDeploymentAsync(new RecordDeploymentRequest { DeploymentId = "g", VeuId = "ghost", Country = "US", Tpp = 1, AsOf = AsOf }).ResponseAsync,
            () => Client.RecordAttritionAsync(new RecordAttritionRequest { EventId = "g", VeuId = "ghost", Country = "US", Tpp = 1, Kind = AttritionKind.Loss }).ResponseAsync,
            () => Client.GetInstalledBaseAsync(new GetInstalledBaseRequest { VeuId = "ghost" }).ResponseAsync,
            () => Client.SetVeuStatusAsync(new SetVeuStatusRequest { VeuId = "ghost", Status = VeuStatus.Revoked, Reason = "r" }).ResponseAsync,
        })
        {
            Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(call)).StatusCode);
        }
    }

    [Fact]
    public async Task RuleSetWithoutTheFramework_IsFailedPrecondition()
    {
        await Client.RegisterVeuAsync(Register(Uveu("uveu-r", "US")));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.CheckDeploymentAsync(new CheckDeploymentRequest { VeuId = "uveu-r", Country = "US", Tpp = 1, RuleSet = "acr-2026" }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.StartsWith("rule_set:", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileStrings_AreInvalidArgumentNamingTheField_BeforePostgres()
    {
        var huge = new string('v', 100_000);
        await AssertHostile("veu_id", () => Client.GetVeuAsync(new GetVeuRequest { VeuId = "a\u0000b" }).ResponseAsync);
        await AssertHostile("veu_id", () => Client.GetInstalledBaseAsync(new GetInstalledBaseRequest { VeuId = "\0" }).ResponseAsync);
        await AssertHostile("veu_id", () => Client.CheckDeploymentAsync(new CheckDeploymentRequest { VeuId = "a\0", Country = "US", Tpp = 1 }).ResponseAsync);
        await AssertHostile("veu_id", () => Client.SetVeuStatusAsync(new SetVeuStatusRequest { VeuId = "\0", Status = VeuStatus.Revoked, Reason = "r" }).ResponseAsync);
        await AssertHostile("reason", () => Client.SetVeuStatusAsync(new SetVeuStatusRequest { VeuId = "x", Status = VeuStatus.Revoked, Reason = "r\0" }).ResponseAsync);
        await AssertHostile("veu.id", () => Client.RegisterVeuAsync(Register(Uveu("u\0", "US"))).ResponseAsync);
        await AssertHostile("veu.name", () => Client.RegisterVeuAsync(Register(new Veu(Uveu("u-name", "US")) { Name = "n\0" })).ResponseAsync);
        await AssertHostile("deployment_id", () => Client.RecordDeploymentAsync(new RecordDeploymentRequest { DeploymentId = "d\0", VeuId = "x", Country = "US", Tpp = 1 }).ResponseAsync);
        await AssertHostile("reservation_id", () => Client.RecordDeploymentAsync(new RecordDeploymentRequest { DeploymentId = "d", VeuId = "x", Country = "US", Tpp = 1, ReservationId = "\0" }).ResponseAsync);
        await AssertHostile("event_id", () => Client.RecordAttritionAsync(new RecordAttritionRequest { EventId = "\0", VeuId = "x", Country = "US", Tpp = 1, Kind = AttritionKind.Loss }).ResponseAsync);
        await AssertHostile("note", () => Client.RecordAttritionAsync(new RecordAttritionRequest { EventId = "e", VeuId = "x", Country = "US", Tpp = 1, Kind = AttritionKind.Loss, Note = "\0" }).ResponseAsync);
        await AssertHostile("veu_id", () => Client.GetVeuAsync(new GetVeuRequest { VeuId = huge }).ResponseAsync);
        await AssertHostile("country", () => Client.CheckDeploymentAsync(new CheckDeploymentRequest { VeuId = "x", Country = huge, Tpp = 1 }).ResponseAsync);
        await AssertHostile("rule_set", () => Client.CheckDeploymentAsync(new CheckDeploymentRequest { VeuId = "x", Country = "US", Tpp = 1, RuleSet = huge }).ResponseAsync);
        await AssertHostile("rule_set", () => Client.RecordDeploymentAsync(new RecordDeploymentRequest { DeploymentId = "d", VeuId = "x", Country = "US", Tpp = 1, RuleSet = "aid-2026\0" }).ResponseAsync);
        await AssertHostile("rule_set", () => Client.RegisterVeuAsync(new RegisterVeuRequest(Register(Uveu("u-rule-set", "US"))) { RuleSet = huge }).ResponseAsync);
        await AssertHostile("veu.authorized_countries", () => Client.RegisterVeuAsync(Register(new Veu(Uveu("u-many", "US")) { AuthorizedCountries = { Enumerable.Repeat("DE", 250) } })).ResponseAsync);
    }

    /// <summary>INVALID_ARGUMENT naming the field, in a message that quotes the input only briefly (well under 1 KiB).</summary>
    private static async Task AssertHostile(string field, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
        Assert.True(error.Status.Detail.Length < 300, $"{error.Status.Detail.Length} characters");
        Assert.DoesNotContain('\0', error.Status.Detail);
    }

    private static async Task AssertInvalid(string field, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
    }

    private Task<RecordDeploymentResponse> Record(string id, string veuId, string country, long tpp) =>
        Client.RecordDeploymentAsync(new RecordDeploymentRequest
        {
            DeploymentId = id, VeuId = veuId, Country = country, Tpp = tpp, AsOf = AsOf, RuleSet = "aid-2025",
        }).ResponseAsync;

    private static CheckDeploymentRequest Check(string veuId, string country, long tpp) =>
        new() { VeuId = veuId, Country = country, Tpp = tpp, AsOf = AsOf, RuleSet = "aid-2025" };

    private static RegisterVeuRequest Register(Veu veu) => new() { Veu = veu, AsOf = AsOf, RuleSet = "aid-2025" };

    private static Veu Uveu(string id, string headquarters, params string[] countries) => new()
    {
        Id = id,
        Kind = VeuKind.Uveu,
        Name = "Cloud " + id,
        HeadquartersCountry = headquarters,
        AuthorizedCountries = { countries },
        ValidFrom = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 1, 15, 0, 0, 0, TimeSpan.Zero)),
    };
}
