using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every Diffusion service starts with, as in .NET Aspire's ServiceDefaults template: OpenTelemetry
/// (traces, metrics, logs; OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set), service discovery for every
/// HttpClient and gRPC client, health checks (<c>/health</c>, <c>/alive</c>), and the gRPC server with the standard
/// <c>grpc.health.v1.Health</c> service and server reflection.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Path of the readiness endpoint: every health check must pass.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>Path of the liveness endpoint: only checks tagged <see cref="LiveTag"/>.</summary>
    public const string AliveEndpointPath = "/alive";

    /// <summary>Tag of the health checks that say the process is alive (as opposed to ready).</summary>
    public const string LiveTag = "live";

    /// <summary>Path prefix of the gRPC health service; its probes are kept out of traces like the HTTP ones.</summary>
    private const string GrpcHealthPathPrefix = "/grpc.health.v1.Health";

    /// <summary>
    /// Adds telemetry, health checks, service discovery (for every HttpClient, so <c>AddGrpcClient</c> resolves
    /// <c>http://_grpc.quota</c> from <c>services__quota__grpc__0</c>), the gRPC server, its health service and reflection.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());

        builder.ConfigureHttp2Cleartext();
        builder.Services.AddGrpcAnsweringMalformedRequests();
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddGrpcReflection();
        return builder;
    }

    /// <summary>
    /// OpenTelemetry logs, metrics (ASP.NET Core, HttpClient, runtime, and every "Diffusion.*" meter) and traces
    /// (ASP.NET Core server spans, which grpc-dotnet tags with grpc.method and grpc.status_code; HttpClient and gRPC
    /// client spans; every "Diffusion.*" source). Health probes are left out of traces: the AppHost polls them every few seconds.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Diffusion.*"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource("Diffusion.*")
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation(http => http.FilterHttpRequestMessage = request =>
                    request.RequestUri is not { } uri || !IsHealthProbe(uri.AbsolutePath)));

        builder.AddOpenTelemetryExporters();
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
    /// An endpoint that does not name its protocols speaks HTTP/2 only, so <c>--urls http://127.0.0.1:5101</c> serves
    /// gRPC: without TLS there is no ALPN, and Kestrel's default Http1AndHttp2 then serves HTTP/1.1 only, which gRPC
    /// clients cannot use. The AppHost names both endpoints of a service (<c>Kestrel:Endpoints:grpc</c> Http2 and
    /// <c>Kestrel:Endpoints:http</c> Http1, for health probes), and an endpoint's own setting wins over this default.
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
    /// Maps <c>/health</c> (all checks: ready to serve), <c>/alive</c> (checks tagged "live"), the gRPC health service
    /// <c>grpc.health.v1.Health</c> and gRPC server reflection, in every environment: the AppHost and orchestrators
    /// probe health in Production too, and reflection lets grpcurl-style tools and other teams discover the services.
    /// They stay open when the service requires bearer tokens. A service must not map them again.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Open to everyone, also where AddDiffusionAuthentication requires a token for everything else: probes carry none.
        app.MapHealthChecks(HealthEndpointPath).AllowAnonymous();
        app.MapHealthChecks(AliveEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LiveTag),
        }).AllowAnonymous();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService().AllowAnonymous();
        return app;
    }

    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
        return builder;
    }

    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath, StringComparison.Ordinal)
        || path.StartsWithSegments(AliveEndpointPath, StringComparison.Ordinal)
        || path.StartsWithSegments(GrpcHealthPathPrefix, StringComparison.Ordinal);
}
