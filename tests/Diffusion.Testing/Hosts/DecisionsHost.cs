using Diffusion.Decisions;
using Diffusion.Decisions.Grpc;
using Diffusion.Decisions.V1;
using Diffusion.Testing.Grpc;
using Diffusion.Testing.Processes;
using Microsoft.AspNetCore.Builder;

namespace Diffusion.Testing.Hosts;

/// <summary>
/// The Decisions service on Kestrel port 0, wired as Program.cs wires it (service defaults, then the service), its
/// downstream services at the given addresses, which service discovery resolves as under the AppHost.
/// </summary>
public static class DecisionsHost
{
    /// <summary>The services Decisions calls, by their service-discovery names.</summary>
    public static readonly string[] Downstream = ["classification", "modelweights", "endusers", "quota"];

    /// <summary>Every downstream service at an address where nothing listens.</summary>
    public static Dictionary<string, Uri> Unreachable() => Downstream.ToDictionary(s => s, _ => DiffusionStack.DeadAddress());

    /// <summary>
    /// Every downstream service at an address where nothing listens but Classification at <paramref name="classification"/>:
    /// enough for Tier 1 and Tier 3 orders, which need no other service.
    /// </summary>
    public static Dictionary<string, Uri> OnlyClassification(Uri classification)
    {
        var services = Unreachable();
        services["classification"] = classification;
        return services;
    }

    /// <summary>
    /// A ledger where nothing listens, for hosts whose tests never get as far as the audit trail (their downstream
    /// services are down too): a decision that did would fail UNAVAILABLE.
    /// </summary>
    public static string NoLedger() => $"Host=127.0.0.1;Port={FreePort.Next()};Database=ledger;Username=postgres;Timeout=2";

    /// <summary>
    /// Starts Decisions with its downstream services at <paramref name="services"/>, its audit trail in the PostgreSQL
    /// database <paramref name="ledger"/> (a connection string), extra <paramref name="settings"/>, and
    /// <paramref name="configure"/>'s changes after its own registrations (e.g. a replaced audit trail).
    /// <paramref name="mapAlso"/> maps more endpoints beside the service (e.g. a benchmark's baseline call).
    /// </summary>
    public static Task<GrpcTestServer> StartAsync(
        IReadOnlyDictionary<string, Uri> services,
        string ledger,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? mapAlso = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var configuration = services.ToDictionary(s => $"services:{s.Key}:grpc:0", s => (string?)s.Value.ToString());
        configuration["ConnectionStrings:ledger"] = ledger;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        return ProgramHost.StartAsync(
            builder =>
            {
                builder.AddDecisionsServices();
                configure?.Invoke(builder);
            },
            app =>
            {
                app.MapGrpcService<DecisionGrpcService>();
                mapAlso?.Invoke(app);
            },
            configuration);
    }

    /// <summary>A client of a Decisions server.</summary>
    public static DecisionService.DecisionServiceClient Client(GrpcTestServer server) => new(server.Channel);
}
