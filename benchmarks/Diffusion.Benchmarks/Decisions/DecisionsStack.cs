using Diffusion.Benchmarks.Baseline;
using Diffusion.Classification;
using Diffusion.Classification.Grpc;
using Diffusion.Decisions;
using Diffusion.Decisions.Grpc;
using Diffusion.EndUsers;
using Diffusion.EndUsers.Grpc;
using Diffusion.ModelWeights;
using Diffusion.ModelWeights.Grpc;
using Diffusion.Quota.Grpc;
using Diffusion.Testing.Grpc;
using Diffusion.Testing.Postgres;
using Diffusion.Testing.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Diffusion.Storage.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Diffusion.Benchmarks.Decisions;

/// <summary>
/// Decisions and every service it composes, each on its own Kestrel h2c port in this process, wired as their
/// Program.cs (service defaults first), Quota and EndUsers on their own redis-server and PostgreSQL (fsync on).
/// Decisions and Classification also serve the empty unary call, the baseline. Decisions appends its audit rows to
/// EndUsers' database (as under the AppHost, where every service shares one); a second Decisions,
/// <see cref="Unaudited"/>, is wired alike but appends nowhere, to measure what the audit trail costs in the same run.
/// </summary>
internal sealed class DecisionsStack : IAsyncDisposable
{
    private readonly List<GrpcTestServer> servers = [];
    private RedisServer? redis;
    private PostgresServer? postgres;

    public GrpcTestServer Decisions { get; private set; } = null!;

    public GrpcTestServer Classification { get; private set; } = null!;

    /// <summary>Decisions as before the audit trail: its appends return at once and write nothing (benchmark only).</summary>
    public GrpcTestServer Unaudited { get; private set; } = null!;

    /// <summary>Starts the stack; <paramref name="decisionsSettings"/> are added to Decisions' configuration.</summary>
    public static async Task<DecisionsStack> StartAsync(IReadOnlyDictionary<string, string?> decisionsSettings, CancellationToken cancellationToken)
    {
        var stack = new DecisionsStack();
        try
        {
            await stack.StartCoreAsync(decisionsSettings, cancellationToken);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync(IReadOnlyDictionary<string, string?> decisionsSettings, CancellationToken cancellationToken)
    {
        redis = await RedisServer.StartAsync(cancellationToken: cancellationToken);
        postgres = await PostgresServer.StartAsync(cancellationToken: cancellationToken);
        var ledger = await postgres.CreateDatabaseAsync("ledger", cancellationToken);
        var endUsersLedger = await postgres.CreateDatabaseAsync("endusers", cancellationToken);
        var quota = await Start(b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:redis"] = redis.ConnectionString,
                ["ConnectionStrings:ledger"] = ledger,
            });
            b.AddQuotaServices();
        }, app => app.MapGrpcService<QuotaGrpcService>());
        Classification = await Start(b => b.AddClassificationServices(), app =>
        {
            app.MapGrpcService<ClassificationGrpcService>();
            EmptyUnaryBaseline.Map(app);
        });
        var modelWeights = await Start(b => b.AddModelWeightsServices(), app => app.MapGrpcService<ModelWeightsGrpcService>());
        var endUsers = await Start(b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:ledger"] = endUsersLedger,
                ["services:quota:grpc:0"] = quota.Address.ToString(),
            });
            b.AddEndUserServices();
        }, app => app.MapGrpcService<EndUserGrpcService>());
        var settings = new Dictionary<string, string?>(decisionsSettings)
        {
            ["services:classification:grpc:0"] = Classification.Address.ToString(),
            ["services:modelweights:grpc:0"] = modelWeights.Address.ToString(),
            ["services:quota:grpc:0"] = quota.Address.ToString(),
            ["services:endusers:grpc:0"] = endUsers.Address.ToString(),
            ["ConnectionStrings:ledger"] = endUsersLedger,
        };
        Decisions = await StartDecisionsAsync(settings, audited: true);
        Unaudited = await StartDecisionsAsync(settings, audited: false);
    }

    private Task<GrpcTestServer> StartDecisionsAsync(Dictionary<string, string?> settings, bool audited) =>
        Start(b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.AddDecisionsServices();
            if (!audited)
            {
                b.Services.Replace(ServiceDescriptor.Singleton<IAuditTrail, NoAuditTrail>());
            }
        }, app =>
        {
            app.MapGrpcService<DecisionGrpcService>();
            EmptyUnaryBaseline.Map(app);
        });

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Enumerable.Reverse(servers))
        {
            await server.DisposeAsync();
        }

        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }

        if (redis is not null)
        {
            await redis.DisposeAsync();
        }
    }

    // Each host is wired as its Program.cs wires it: service defaults (telemetry, service discovery, gRPC health) first,
    // then bearer-token authentication (the channels carry the tests' token; the empty baseline is open, nothing behind it).
    private async Task<GrpcTestServer> Start(Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var server = await GrpcTestServer.StartAsync(builder =>
        {
            builder.AddServiceDefaults();
            builder.AddDiffusionAuthentication();
            configure(builder);
        }, map);
        servers.Add(server);
        return server;
    }

    /// <summary>An audit trail that keeps nothing: the "before" of the audit's cost.</summary>
    private sealed class NoAuditTrail : IAuditTrail
    {
        public Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken) =>
            Task.FromResult(new AuditEntry(0, record, [], []));
    }
}
