using Diffusion.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every Diffusion service starts with, in the shape of .NET Aspire's ServiceDefaults:
/// OpenTelemetry (traces, metrics, logs; OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set),
/// health checks (<c>/health</c>, <c>/alive</c>) and Kestrel endpoints that speak HTTP/2 cleartext for gRPC.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Path of the readiness endpoint: every health check must pass.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>Path of the liveness endpoint: only checks tagged <see cref="LiveTag"/>.</summary>
    public const string AliveEndpointPath = "/alive";

    /// <summary>Tag of the health checks that say the process is alive (as opposed to ready).</summary>
    public const string LiveTag = "live";

    /// <summary>
    /// Adds telemetry, health checks, h2c Kestrel defaults, the gRPC server (Diffusion.Grpc) and the standard
    /// grpc.health.v1.Health service driven by the same health checks.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.ConfigureHttp2Cleartext();
        builder.Services.AddGrpc();
        builder.Services.AddGrpcHealthChecks();
        return builder;
    }

    /// <summary>
    /// Traces, metrics and logs through providers built and owned by this project (OpenTelemetry.Extensions.Hosting
    /// is not available here): see <see cref="TelemetryProviders"/>.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        TelemetryProviders.Register(builder);
        return builder;
    }

    /// <summary>Adds the "self" liveness check; client integrations add their readiness checks.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Every Kestrel endpoint speaks HTTP/2 only. Without TLS there is no ALPN, and an endpoint set to
    /// Http1AndHttp2 silently serves HTTP/1.1 only, which gRPC clients cannot use (PLATFORM.md).
    /// </summary>
    public static TBuilder ConfigureHttp2Cleartext<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<KestrelServerOptions>(options =>
            options.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (all checks: ready to serve), <c>/alive</c> (checks tagged "live") and the gRPC health
    /// service <c>grpc.health.v1.Health</c> (Check, Watch), in every environment: the AppHost and orchestrators probe
    /// them in Production too. A service must not map the gRPC health service again.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AliveEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LiveTag),
        });
        app.MapGrpcHealthChecksService();
        return app;
    }
}
