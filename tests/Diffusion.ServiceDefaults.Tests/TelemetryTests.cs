using System.Diagnostics;
using System.Globalization;
using Diffusion.Classification.V1;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace Diffusion.ServiceDefaults.Tests;

/// <summary>
/// The tracing ServiceDefaults configures, read from an in-memory exporter added beside it. ActivitySources are
/// process-wide, so every host's provider also sees other hosts' spans: each test keeps only the spans of its own ports.
/// </summary>
public sealed class TelemetryTests
{
    private static readonly TimeSpan SpanWait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task GrpcCall_ThroughServiceClient_ClientAndServerSpansShareOneTrace()
    {
        var spans = new SpanList();
        await using var host = await ServiceHost.StartAsync(
            new Dictionary<string, string?> { ["services:classification:grpc:0"] = "{grpc}" },
            builder =>
            {
                builder.Services.AddSingleton(new ServerName("self"));
                builder.AddGrpcServiceClient<ClassificationService.ClassificationServiceClient>("classification");
                builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
            },
            app => app.MapGrpcService<NamedClassificationService>());
        var port = host.GrpcAddress.Port;

        await host.App.Services.GetRequiredService<ClassificationService.ClassificationServiceClient>()
            .ClassifyAsync(new ClassifyRequest { KnownChip = "H100" });

        // One trace: the gRPC client span, the HttpClient span under it (on the address service discovery picked),
        // and the server span under that, tagged by grpc-dotnet with the method and status.
        var server = await WaitForSpanAsync(spans, s => s.Kind == ActivityKind.Server && IsOnPort(s, port));
        var http = await WaitForSpanAsync(spans, s => s.Kind == ActivityKind.Client && s.SpanId == server.ParentSpanId);
        var grpc = await WaitForSpanAsync(spans, s => s.Kind == ActivityKind.Client && s.SpanId == http.ParentSpanId);
        Assert.Equal(port, Convert.ToInt32(http.GetTagItem("server.port"), CultureInfo.InvariantCulture));
        Assert.Equal("diffusion.classification.v1.ClassificationService/Classify", grpc.DisplayName);
        Assert.Equal([grpc.TraceId], new[] { http.TraceId, server.TraceId }.Distinct());
        Assert.Equal("/diffusion.classification.v1.ClassificationService/Classify", server.GetTagItem("grpc.method"));
        Assert.Equal("0", server.GetTagItem("grpc.status_code"));
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task HealthProbe_ProducesNoSpan(string path)
    {
        var spans = new SpanList();
        await using var host = await ServiceHost.StartAsync(
            new Dictionary<string, string?>(),
            builder => builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        var port = host.HttpAddress.Port;

        using var probe = await host.Http.GetAsync(path);
        // A request that is traced, after the probe: once its span is out, the probe's would be too.
        using var other = await host.Http.GetAsync("/not-a-probe");
        await WaitForSpanAsync(spans, s => IsOnPort(s, port) && Equals(s.GetTagItem("url.path"), "/not-a-probe"));

        // Neither the server (ASP.NET Core) nor the client (HttpClient) instrumentation records the probe.
        probe.EnsureSuccessStatusCode();
        Assert.DoesNotContain(spans.Snapshot(), s => IsOnPort(s, port)
            && (Equals(s.GetTagItem("url.path"), path) || (s.GetTagItem("url.full") as string)?.EndsWith(path, StringComparison.Ordinal) == true));
        Assert.Contains(spans.Snapshot(), s => s.Kind == ActivityKind.Client && IsOnPort(s, port));
    }

    [Fact]
    public async Task GrpcHealthCheck_ProducesNoServerSpan()
    {
        var spans = new SpanList();
        await using var host = await ServiceHost.StartAsync(
            new Dictionary<string, string?>(),
            builder => builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));

        var health = await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
        using var other = await host.Http.GetAsync("/not-a-probe");
        await WaitForSpanAsync(spans, s => IsOnPort(s, host.HttpAddress.Port) && Equals(s.GetTagItem("url.path"), "/not-a-probe"));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.DoesNotContain(spans.Snapshot(), s => s.Kind == ActivityKind.Server && IsOnPort(s, host.GrpcAddress.Port));
    }

    private static bool IsOnPort(Activity span, int port) =>
        Convert.ToInt32(span.GetTagItem("server.port"), CultureInfo.InvariantCulture) == port;

    private static async Task<Activity> WaitForSpanAsync(SpanList spans, Func<Activity, bool> match)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var found = spans.Snapshot().FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            Assert.True(stopwatch.Elapsed < SpanWait, $"no matching span within {SpanWait}");
            await Task.Delay(50);
        }
    }
}
