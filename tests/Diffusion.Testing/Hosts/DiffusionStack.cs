using Diffusion.Classification;
using Diffusion.Classification.Grpc;
using Diffusion.Decisions.V1;
using Diffusion.Endusers.V1;
using Diffusion.ModelWeights;
using Diffusion.ModelWeights.Grpc;
using Diffusion.Quota.V1;
using Diffusion.Testing.Grpc;
using Diffusion.Testing.Postgres;
using Diffusion.Testing.Processes;
using Diffusion.Testing.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Diffusion.Testing.Hosts;

/// <summary>
/// Every service Decisions composes, each on its own Kestrel port 0 (h2c), Quota on a real redis-server and
/// PostgreSQL, and Decisions wired to them by the same configuration keys the AppHost sets. Each host starts as its
/// Program.cs does, with the service defaults first.
/// </summary>
public sealed class DiffusionStack : IAsyncLifetime
{
    private readonly RedisFixture redis = new();
    private readonly PostgresFixture postgres = new();
    private readonly List<IAsyncDisposable> hosts = [];

    /// <summary>The Quota replica.</summary>
    public QuotaNode Quota { get; private set; } = null!;

    /// <summary>The EndUsers service.</summary>
    public EndUsersHost EndUsers { get; private set; } = null!;

    /// <summary>The Decisions service.</summary>
    public GrpcTestServer Decisions { get; private set; } = null!;

    /// <summary>
    /// Connection string of the database holding the audit trail Decisions and EndUsers append to (EndUsers' ledger;
    /// under the AppHost every service shares one).
    /// </summary>
    public string AuditLedger { get; private set; } = null!;

    /// <summary>Where each downstream service of Decisions listens, by service-discovery name.</summary>
    public IReadOnlyDictionary<string, Uri> Addresses { get; private set; } = null!;

    /// <summary>A Decisions client.</summary>
    public DecisionService.DecisionServiceClient Client => new(Decisions.Channel);

    /// <summary>A Quota client.</summary>
    public QuotaService.QuotaServiceClient QuotaClient => Quota.Client;

    /// <summary>An EndUsers client.</summary>
    public EndUserService.EndUserServiceClient EndUsersClient => EndUsers.Client;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        await redis.InitializeAsync();
        await postgres.InitializeAsync();
        Quota = Keep(await QuotaNode.StartAsync(QuotaNode.Settings(redis.ConnectionString, await postgres.CreateDatabaseAsync()), serviceDefaults: true));
        var classification = await Start(b => b.AddClassificationServices(), app => app.MapGrpcService<ClassificationGrpcService>());
        var modelWeights = await Start(b => b.AddModelWeightsServices(), app => app.MapGrpcService<ModelWeightsGrpcService>());
        AuditLedger = await postgres.CreateDatabaseAsync();
        EndUsers = Keep(await EndUsersHost.StartAsync(AuditLedger, Quota.Address.ToString()));
        Addresses = new Dictionary<string, Uri>
        {
            ["classification"] = classification.Address,
            ["modelweights"] = modelWeights.Address,
            ["quota"] = Quota.Address,
            ["endusers"] = EndUsers.Address,
        };
        Decisions = Keep(await DecisionsHost.StartAsync(Addresses, AuditLedger));
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(hosts))
        {
            await host.DisposeAsync();
        }

        await postgres.DisposeAsync();
        await redis.DisposeAsync();
    }

    /// <summary>
    /// A second Decisions instance wired like the first except for <paramref name="overrides"/> (e.g. a service down)
    /// and, when given, another audit <paramref name="ledger"/> and more <paramref name="settings"/>.
    /// </summary>
    public Task<GrpcTestServer> StartDecisionsAsync(IReadOnlyDictionary<string, Uri> overrides, string? ledger = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var addresses = Addresses.ToDictionary(a => a.Key, a => overrides.GetValueOrDefault(a.Key, a.Value));
        var configuration = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["Decisions:CallTimeout"] = "00:00:02" };
        return DecisionsHost.StartAsync(addresses, ledger ?? AuditLedger, configuration);
    }

    /// <summary>An address where nothing listens.</summary>
    public static Uri DeadAddress() => new($"http://127.0.0.1:{FreePort.Next()}");

    private T Keep<T>(T host)
        where T : IAsyncDisposable
    {
        hosts.Add(host);
        return host;
    }

    private async Task<GrpcTestServer> Start(Action<WebApplicationBuilder> configure, Action<WebApplication> map) =>
        Keep(await GrpcTestServer.StartAsync(
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddDiffusionAuthentication();
                configure(builder);
            },
            map));
}
