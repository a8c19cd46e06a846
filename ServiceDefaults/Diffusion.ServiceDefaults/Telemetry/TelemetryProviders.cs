using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Diffusion.ServiceDefaults.Telemetry;

/// <summary>
/// Owns the process's OpenTelemetry tracer, meter and logger providers. OpenTelemetry.Extensions.Hosting (which
/// would start and stop them with the host) is not served here, so this singleton builds them once, a hosted
/// service makes sure they exist before the server takes requests and flushes them when it stops, and the container
/// disposes them (final flush) at shutdown.
/// </summary>
public sealed class TelemetryProviders : IDisposable
{
    /// <summary>ActivitySources and Meters recorded by every service (wildcards as OpenTelemetry understands them).</summary>
    public static readonly IReadOnlyList<string> ActivitySources =
        ["Microsoft.AspNetCore", "System.Net.Http", "Npgsql", "Diffusion.*"];

    /// <summary>Meters exported by every service.</summary>
    public static readonly IReadOnlyList<string> Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Routing",
        "System.Net.Http", "Npgsql", "Diffusion.*",
    ];

    private readonly OpenTelemetrySdk _sdk;

    private TelemetryProviders(OpenTelemetrySdk sdk, TelemetrySettings settings)
    {
        _sdk = sdk;
        Settings = settings;
    }

    /// <summary>What was configured (service name, export target).</summary>
    public TelemetrySettings Settings { get; }

    /// <summary>The logger factory that feeds the OpenTelemetry log pipeline.</summary>
    public ILoggerFactory LoggerFactory => _sdk.GetLoggerFactory();

    /// <summary>Exports everything buffered so far (bounded by <paramref name="timeoutMilliseconds"/> per signal).</summary>
    public void ForceFlush(int timeoutMilliseconds = 5000)
    {
        _sdk.TracerProvider.ForceFlush(timeoutMilliseconds);
        _sdk.MeterProvider.ForceFlush(timeoutMilliseconds);
        _sdk.LoggerProvider.ForceFlush(timeoutMilliseconds);
    }

    /// <summary>Shuts the providers down; each flushes what it still holds.</summary>
    public void Dispose() => _sdk.Dispose();

    /// <summary>Builds the providers from configuration (OTEL_* keys, as environment variables map them).</summary>
    public static TelemetryProviders Create(IConfiguration configuration, string applicationName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = TelemetrySettings.From(configuration, applicationName);
        var sdk = OpenTelemetrySdk.Create(otel =>
        {
            // The exporter reads OTEL_EXPORTER_OTLP_HEADERS/TIMEOUT etc. from the app's configuration.
            otel.Services.AddSingleton(configuration);
            otel.ConfigureResource(resource => resource
                .AddService(settings.ServiceName, serviceInstanceId: settings.ServiceInstanceId)
                .AddAttributes(settings.ResourceAttributes));
            otel.WithTracing(tracing =>
            {
                foreach (var source in ActivitySources)
                {
                    tracing.AddSource(source);
                }
            });
            otel.WithMetrics(metrics => metrics.AddMeter([.. Meters]));
            // The formatted message as the record's body (else the body is the message template).
            otel.WithLogging(configureBuilder: null, configureOptions: logging => logging.IncludeFormattedMessage = true);
            if (settings.Endpoint is not null)
            {
                otel.UseOtlpExporter(settings.Protocol, settings.Endpoint);
            }
        });
        return new TelemetryProviders(sdk, settings);
    }

    internal static void Register(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(TelemetryProviders)))
        {
            return;
        }
        var configuration = builder.Configuration;
        var applicationName = builder.Environment.ApplicationName;
        services.AddSingleton(_ => Create(configuration, applicationName));
        services.AddHostedService<TelemetryLifetime>();
        builder.Logging.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<ILoggerProvider, ForwardingLoggerProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, ServerSpanStartupFilter>());
    }
}

/// <summary>Telemetry configuration, read the way the OpenTelemetry SDKs read it.</summary>
/// <param name="ServiceName">OTEL_SERVICE_NAME, else the application name.</param>
/// <param name="ServiceInstanceId">service.instance.id from OTEL_RESOURCE_ATTRIBUTES, else a new id.</param>
/// <param name="ResourceAttributes">OTEL_RESOURCE_ATTRIBUTES (key=value pairs, comma separated, percent-encoded).</param>
/// <param name="Endpoint">OTEL_EXPORTER_OTLP_ENDPOINT; null means no export.</param>
/// <param name="Protocol">OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" or "http/protobuf" (the default here).</param>
public sealed record TelemetrySettings(
    string ServiceName,
    string ServiceInstanceId,
    IReadOnlyDictionary<string, object> ResourceAttributes,
    Uri? Endpoint,
    OtlpExportProtocol Protocol)
{
    /// <summary>Reads the OTEL_* keys.</summary>
    public static TelemetrySettings From(IConfiguration configuration, string applicationName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var attributes = ParseResourceAttributes(configuration["OTEL_RESOURCE_ATTRIBUTES"]);
        var serviceName = NonEmpty(configuration["OTEL_SERVICE_NAME"])
            ?? (attributes.TryGetValue("service.name", out var fromAttributes) ? (string)fromAttributes : null)
            ?? applicationName;
        attributes.Remove("service.name");
        var instanceId = attributes.TryGetValue("service.instance.id", out var id) ? (string)id : Guid.NewGuid().ToString();
        attributes.Remove("service.instance.id");

        Uri? endpoint = null;
        var endpointText = NonEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (endpointText is not null && !Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint))
        {
            throw new InvalidOperationException(
                $"OTEL_EXPORTER_OTLP_ENDPOINT: '{endpointText}' is not an absolute URI.");
        }

        var protocol = NonEmpty(configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]) switch
        {
            null or "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            "grpc" => OtlpExportProtocol.Grpc,
            var other => throw new InvalidOperationException(
                $"OTEL_EXPORTER_OTLP_PROTOCOL: '{other}' is not supported (use 'http/protobuf' or 'grpc')."),
        };
        return new TelemetrySettings(serviceName, instanceId, attributes, endpoint, protocol);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Dictionary<string, object> ParseResourceAttributes(string? text)
    {
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return attributes;
        }
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;   // the spec says to ignore malformed pairs
            }
            attributes[WebUtility.UrlDecode(pair[..equals].Trim())] = WebUtility.UrlDecode(pair[(equals + 1)..].Trim());
        }
        return attributes;
    }
}

/// <summary>Creates the providers before the server starts and flushes them when the host stops.</summary>
internal sealed class TelemetryLifetime(TelemetryProviders providers) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        providers.ForceFlush();
        return Task.CompletedTask;
    }
}

/// <summary>Hands the app's log records (after the app's own filters) to the OpenTelemetry log pipeline.</summary>
[ProviderAlias("OpenTelemetry")]
internal sealed class ForwardingLoggerProvider(TelemetryProviders providers) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => providers.LoggerFactory.CreateLogger(categoryName);

    public void Dispose()
    {
        // The providers are owned (and disposed) by the container.
    }
}
