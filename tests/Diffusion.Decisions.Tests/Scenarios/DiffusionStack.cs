using Diffusion.Classification;
using Diffusion.Classification.Grpc;
using Diffusion.Decisions.Tests.Service;
using Diffusion.Decisions.V1;
using Diffusion.EndUsers;
using Diffusion.EndUsers.Grpc;
using Diffusion.Endusers.V1;
using Diffusion.ModelWeights;
using Diffusion.ModelWeights.Grpc;
using Diffusion.Quota.Grpc;
using Diffusion.Quota.V1;
using Diffusion.Testing.Grpc;
using Diffusion.Testing.Postgres;
using Diffusion.Testing.Processes;
using Diffusion.Testing.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Diffusion.Decisions.Tests.Scenarios;

/// <summary>
/// Every service Decisions composes, each on its own Kestrel port 0 (h2c), Quota on a real redis-server and
/// PostgreSQL, and Decisions wired to them by the same configuration keys the AppHost sets. Each host starts as its
/// Program.cs does, with the service defaults first.
/// </summary>
public sealed class DiffusionStack : IAsyncLifetime
{
    private readonly RedisFixture redis = new();
    private readonly PostgresFixture postgres = new();
    private readonly List<GrpcTestServer> servers = [];

    public GrpcTestServer Quota { get; private set; } = null!;

    public GrpcTestServer Decisions { get; private set; } = null!;

    public IReadOnlyDictionary<string, Uri> Addresses { get; private set; } = null!;

    public DecisionService.DecisionServiceClient Client => new(Decisions.Channel);

    public QuotaService.QuotaServiceClient QuotaClient => new(Quota.Channel);

    public async Task InitializeAsync()
    {
        await redis.InitializeAsync();
        await postgres.InitializeAsync();
        var ledger = await postgres.CreateDatabaseAsync();
        Quota = await Start(
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["ConnectionStrings:redis"] = redis.ConnectionString,
                    ["ConnectionStrings:ledger"] = ledger,
                    ["Quota:RedisKeyPrefix"] = $"dt{Guid.NewGuid():N}"[..20] + ":",
                });
                builder.AddQuotaServices();
            },
            app => app.MapGrpcService<QuotaGrpcService>());
        var classification = await Start(b => b.AddClassificationServices(), app => app.MapGrpcService<ClassificationGrpcService>());
        var modelWeights = await Start(b => b.AddModelWeightsServices(), app => app.MapGrpcService<ModelWeightsGrpcService>());
        Addresses = new Dictionary<string, Uri>
        {
            ["classification"] = classification.Address,
            ["modelweights"] = modelWeights.Address,
            ["quota"] = Quota.Address,
            ["endusers"] = (await StartEndUsersAsync(await postgres.CreateDatabaseAsync())).Address,
        };
        Decisions = await DecisionsHost.StartAsync(Addresses);
        servers.Add(Decisions);
    }

    public async Task DisposeAsync()
    {
        foreach (var server in Enumerable.Reverse(servers))
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>A second Decisions instance wired like the first except for <paramref name="overrides"/> (e.g. a service down).</summary>
    public Task<GrpcTestServer> StartDecisionsAsync(IReadOnlyDictionary<string, Uri> overrides)
    {
        var addresses = Addresses.ToDictionary(a => a.Key, a => overrides.GetValueOrDefault(a.Key, a.Value));
        return DecisionsHost.StartAsync(addresses, new Dictionary<string, string?> { ["Decisions:CallTimeout"] = "00:00:02" });
    }

    /// <summary>An address where nothing listens.</summary>
    public static Uri DeadAddress() => new($"http://127.0.0.1:{FreePort.Next()}");

    public GrpcTestServer EndUsers { get; private set; } = null!;

    public EndUserService.EndUserServiceClient EndUsersClient => new(EndUsers.Channel);

    private async Task<GrpcTestServer> StartEndUsersAsync(string ledger)
    {
        EndUsers = await Start(
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["ConnectionStrings:ledger"] = ledger,
                    ["services:quota:grpc:0"] = Quota.Address.ToString(),
                });
                builder.AddEndUserServices();
            },
            app => app.MapGrpcService<EndUserGrpcService>());
        return EndUsers;
    }

    private async Task<GrpcTestServer> Start(Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var server = await GrpcTestServer.StartAsync(
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddDiffusionAuthentication();
                configure(builder);
            },
            map);
        servers.Add(server);
        return server;
    }
}

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<DiffusionStack>
{
    public const string Name = "diffusion stack";
}
