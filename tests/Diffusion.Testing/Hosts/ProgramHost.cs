using Diffusion.Testing.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Diffusion.Testing.Hosts;

/// <summary>
/// Starts a service the way its Program.cs does, on Kestrel at 127.0.0.1 port 0 (h2c): configuration first (the keys
/// the AppHost injects: connection strings, <c>services:NAME:grpc:0</c>), then the service defaults (telemetry, service
/// discovery, gRPC health), bearer-token authentication, and last the service's own registrations. Every host of the
/// tests and benchmarks starts through here, so the tested wiring is the shipped wiring in one place.
/// </summary>
public static class ProgramHost
{
    /// <summary>Starts a service.</summary>
    /// <param name="addService">The service's own registrations (e.g. <c>b => b.AddQuotaServices()</c>) and anything a test adds.</param>
    /// <param name="map">Maps the service's endpoints.</param>
    /// <param name="settings">Configuration added before anything reads it.</param>
    /// <param name="serviceDefaults">False for a bare service without the defaults (the Quota tests' nodes).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static Task<GrpcTestServer> StartAsync(
        Action<WebApplicationBuilder> addService,
        Action<WebApplication> map,
        IReadOnlyDictionary<string, string?>? settings = null,
        bool serviceDefaults = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(addService);
        return GrpcTestServer.StartAsync(
            builder =>
            {
                if (settings is not null)
                {
                    builder.Configuration.AddInMemoryCollection(settings);
                }

                if (serviceDefaults)
                {
                    builder.AddServiceDefaults();
                }

                builder.AddDiffusionAuthentication();
                addService(builder);
            },
            map,
            cancellationToken);
    }
}
