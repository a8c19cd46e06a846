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

namespace Diffusion.Testing.Hosts;

/// <summary>
/// Every service Decisions composes, each on its own Kestrel port 0 (h2c), Quota on a real redis-server and
/// PostgreSQL, and Decisions wired to them by the same configuration keys the AppHost sets. Each host starts as its
/// Program.cs does, with the service defaults first. As an xunit fixture it runs on the test process' shared servers;
/// <see cref="StartAsync"/> starts one with <see cref="DiffusionStackOptions"/> (a benchmark's durable servers and
/// baseline endpoints).
/// </summary>
public sealed class DiffusionStack : IAsyncLifetime, IAsyncDisposable
{
    private readonly DiffusionStackOptions options;
    private readonly List<IAsyncDisposable> hosts = [];
    private RedisFixture? sharedRedis;
    private PostgresFixture? sharedPostgres;
    private RedisServer? ownRedis;
    private PostgresServer? ownPostgres;

    /// <summary>A stack on the test process' shared servers (the xunit fixture).</summary>
    public DiffusionStack()
        : this(new DiffusionStackOptions())
    {
    }

    private DiffusionStack(DiffusionStackOptions options) => this.options = options;

    /// <summary>The Quota replica.</summary>
    public QuotaNode Quota { get; private set; } = null!;

    /// <summary>The EndUsers service.</summary>
    public EndUsersHost EndUsers { get; private set; } = null!;

    /// <summary>The Decisions service.</summary>
    public GrpcTestServer Decisions { get; private set; } = null!;

    /// <summary>The Classification service.</summary>
    public GrpcTestServer Classification { get; private set; } = null!;

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

    /// <summary>Starts a stack as <paramref name="options"/> say; disposing it stops everything it started.</summary>
    public static async Task<DiffusionStack> StartAsync(DiffusionStackOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var stack = new DiffusionStack(options);
        try
        {
            await stack.InitializeAsync();
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Func<Task<string>> createDatabase;
        string redisConnection;
        if (options.DurableServers)
        {
            ownRedis = await RedisServer.StartAsync();
            ownPostgres = await PostgresServer.StartAsync();
            redisConnection = ownRedis.ConnectionString;
            createDatabase = () => ownPostgres.CreateDatabaseAsync();
        }
        else
        {
            sharedRedis = new RedisFixture();
            sharedPostgres = new PostgresFixture();
            await sharedRedis.InitializeAsync();
            await sharedPostgres.InitializeAsync();
            redisConnection = sharedRedis.ConnectionString;
            createDatabase = () => sharedPostgres.CreateDatabaseAsync();
        }

        Quota = Keep(await QuotaNode.StartAsync(QuotaNode.Settings(redisConnection, await createDatabase()), serviceDefaults: true));
        Classification = Keep(await ClassificationHost.StartAsync(mapAlso: options.MapAlso));
        var modelWeights = Keep(await ProgramHost.StartAsync(b => b.AddModelWeightsServices(), app => app.MapGrpcService<ModelWeightsGrpcService>()));
        AuditLedger = await createDatabase();
        EndUsers = Keep(await EndUsersHost.StartAsync(AuditLedger, Quota.Address.ToString()));
        Addresses = new Dictionary<string, Uri>
        {
            ["classification"] = Classification.Address,
            ["modelweights"] = modelWeights.Address,
            ["quota"] = Quota.Address,
            ["endusers"] = EndUsers.Address,
        };
        Decisions = await StartDecisionsVariantAsync(_ => { });
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(hosts))
        {
            await host.DisposeAsync();
        }

        hosts.Clear();
        if (ownPostgres is not null)
        {
            await ownPostgres.DisposeAsync();
        }

        if (ownRedis is not null)
        {
            await ownRedis.DisposeAsync();
        }

        if (sharedPostgres is not null)
        {
            await sharedPostgres.DisposeAsync();
        }

        if (sharedRedis is not null)
        {
            await sharedRedis.DisposeAsync();
        }
    }

    /// <inheritdoc/>
    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    /// <summary>
    /// Another Decisions wired exactly as <see cref="Decisions"/> (same services, audit ledger, settings and endpoints),
    /// with <paramref name="configure"/>'s changes after its registrations (e.g. a replaced audit trail); disposed with the stack.
    /// </summary>
    public async Task<GrpcTestServer> StartDecisionsVariantAsync(Action<WebApplicationBuilder> configure) =>
        Keep(await DecisionsHost.StartAsync(Addresses, AuditLedger, options.DecisionsSettings, configure, options.MapAlso));

    /// <summary>
    /// A second Decisions instance wired like the first except for <paramref name="overrides"/> (e.g. a service down),
    /// a 2 s <c>Decisions:CallTimeout</c> (so a test of a service down does not wait long) and, when given, another audit
    /// <paramref name="ledger"/> and more <paramref name="settings"/>, which win over the 2 s.
    /// </summary>
    public Task<GrpcTestServer> StartDecisionsAsync(IReadOnlyDictionary<string, Uri> overrides, string? ledger = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var addresses = Addresses.ToDictionary(a => a.Key, a => overrides.GetValueOrDefault(a.Key, a.Value));
        var configuration = new Dictionary<string, string?> { ["Decisions:CallTimeout"] = "00:00:02" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

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
}
