using System.Text.Json;
using System.Text.Json.Serialization;
using Diffusion.AppHost.Orchestration;
using Diffusion.AppHost.Otlp.Proto;
using Google.Protobuf;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Diffusion.AppHost.Dashboard;

/// <summary>
/// The operations dashboard: a page (resources, console logs, traces, metrics), its JSON API, and the OTLP/HTTP
/// (protobuf) receiver the services export to. It records no telemetry of its own: a receiver traced by a provider
/// that exports to itself would loop forever.
/// </summary>
internal sealed class DashboardServer : IAsyncDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, Uri url, TelemetryStore telemetry)
    {
        _app = app;
        Url = url;
        Telemetry = telemetry;
    }

    public Uri Url { get; }

    public TelemetryStore Telemetry { get; }

    /// <summary>Starts on <paramref name="url"/>; if that port is taken, on a free port (with a warning).</summary>
    public static async Task<DashboardServer> StartAsync(string url, Orchestrator orchestrator, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        try
        {
            return await StartOnAsync(url, orchestrator, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (new Uri(url).Port != 0)
        {
            var fallback = new UriBuilder(url) { Port = 0 }.Uri.ToString();
            loggerFactory.CreateLogger("Diffusion.AppHost").LogWarning(ex, "Dashboard port of {Url} is taken; using a free port", url);
            return await StartOnAsync(fallback, orchestrator, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<DashboardServer> StartOnAsync(string url, Orchestrator orchestrator, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http1));
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        var app = builder.Build();
        var telemetry = new TelemetryStore();
        Map(app, orchestrator, telemetry);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new DashboardServer(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), telemetry);
    }

    private static void Map(WebApplication app, Orchestrator orchestrator, TelemetryStore telemetry)
    {
        app.MapGet("/", () => Page("index.html", "text/html; charset=utf-8"));
        app.MapGet("/dashboard.js", () => Page("dashboard.js", "text/javascript; charset=utf-8"));
        app.MapGet("/dashboard.css", () => Page("dashboard.css", "text/css; charset=utf-8"));

        app.MapGet("/api/resources", () => Results.Json(orchestrator.Snapshot(), Json));
        app.MapGet("/api/resources/{name}", (string name) =>
            orchestrator.Resources.Any(r => r.Name == name) ? Results.Json(orchestrator.Snapshot(name), Json) : Results.NotFound());
        app.MapGet("/api/resources/{name}/logs", (string name, long? after) =>
            orchestrator.Context.LogsOf(name) is { } logs
                ? Results.Json(logs.After(after ?? 0), Json)
                : Results.NotFound());
        app.MapGet("/api/resources/{name}/logs/stream", StreamLogsAsync);

        app.MapGet("/api/traces", (int? limit, string? service, bool? requestsOnly) =>
            Results.Json(telemetry.Traces(limit ?? 100, service, requestsOnly ?? false), Json));
        app.MapGet("/api/traces/{traceId}", (string traceId) =>
            telemetry.Trace(traceId) is { } spans ? Results.Json(spans, Json) : Results.NotFound());
        app.MapGet("/api/metrics", () => Results.Json(telemetry.Metrics(), Json));
        app.MapGet("/api/logs", (int? limit, string? service) => Results.Json(telemetry.Logs(limit ?? 200, service), Json));

        // OTLP/HTTP with protobuf bodies (what OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf sends).
        app.MapPost("/v1/traces", (HttpRequest request) =>
            ReceiveAsync(request, ExportTraceServiceRequest.Parser, r => telemetry.AddTraces(r), new ExportTraceServiceResponse()));
        app.MapPost("/v1/logs", (HttpRequest request) =>
            ReceiveAsync(request, ExportLogsServiceRequest.Parser, r => telemetry.AddLogs(r), new ExportLogsServiceResponse()));
        app.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            // Accepted and dropped: request metrics come from the server spans. (An empty message is a valid
            // ExportMetricsServiceResponse.)
            await request.Body.CopyToAsync(Stream.Null, request.HttpContext.RequestAborted).ConfigureAwait(false);
            return Results.Bytes([], "application/x-protobuf");
        });

        async Task StreamLogsAsync(HttpContext context, string name, long? after)
        {
            if (orchestrator.Context.LogsOf(name) is not { } logs)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            var last = after ?? 0;
            var aborted = context.RequestAborted;
            try
            {
                while (!aborted.IsCancellationRequested)
                {
                    foreach (var line in logs.After(last))
                    {
                        await context.Response.WriteAsync($"id: {line.Sequence}\ndata: {JsonSerializer.Serialize(line, Json)}\n\n", aborted).ConfigureAwait(false);
                        last = line.Sequence;
                    }
                    await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                    wait.CancelAfter(TimeSpan.FromSeconds(15));
                    try
                    {
                        await logs.WaitForLinesAsync(last, wait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                    {
                        await context.Response.WriteAsync(": keep-alive\n\n", aborted).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
            }
        }
    }

    private static async Task<IResult> ReceiveAsync<TRequest>(HttpRequest request, MessageParser<TRequest> parser, Func<TRequest, int> store, IMessage response)
        where TRequest : IMessage<TRequest>
    {
        if (request.ContentType?.StartsWith("application/x-protobuf", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted).ConfigureAwait(false);
        TRequest message;
        try
        {
            message = parser.ParseFrom(body.ToArray());
        }
        catch (InvalidProtocolBufferException ex)
        {
            return Results.BadRequest(ex.Message);
        }
        store(message);
        return Results.Bytes(response.ToByteArray(), "application/x-protobuf");
    }

    private static IResult Page(string name, string contentType)
    {
        using var stream = typeof(DashboardServer).Assembly.GetManifestResourceStream("dashboard/" + name);
        if (stream is null)
        {
            return Results.NotFound();
        }
        using var reader = new StreamReader(stream);
        return Results.Text(reader.ReadToEnd(), contentType);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
