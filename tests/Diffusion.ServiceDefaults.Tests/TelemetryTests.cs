using System.Text;
using Diffusion.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;

namespace Diffusion.ServiceDefaults.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Otlp_WhenEndpointSet_ExportsTracesAndLogsWithServiceName_AndFlushesOnShutdown()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
            ["OTEL_SERVICE_NAME"] = "svc-under-test",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "service.instance.id=replica-7,deployment.environment=test",
        };

        var host = await ServiceHost.StartAsync(settings, map: app =>
            app.MapGet("/hello", (ILoggerFactory loggers) =>
            {
                loggers.CreateLogger("Hello").LogWarning("said-hello-log-line");
                return "hi";
            }));
        await using (host)
        {
            using var hello = await host.Client.GetAsync("/hello");
            hello.EnsureSuccessStatusCode();
            using var health = await host.Client.GetAsync("/health");
            health.EnsureSuccessStatusCode();
        }   // stopping the host flushes the batch processors: no waiting for the 5 s export interval

        var traces = Encoding.UTF8.GetString(receiver.BodiesOf("/v1/traces"));
        Assert.Contains("svc-under-test", traces, StringComparison.Ordinal);
        Assert.Contains("replica-7", traces, StringComparison.Ordinal);
        Assert.Contains("GET /hello", traces, StringComparison.Ordinal);
        Assert.DoesNotContain("GET /health", traces, StringComparison.Ordinal);   // probes make no server span
        var logs = Encoding.UTF8.GetString(receiver.BodiesOf("/v1/logs"));
        Assert.Contains("said-hello-log-line", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Otlp_WithoutEndpoint_ExportsNothingAndServes()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>());

        using var response = await host.Client.GetAsync("/alive");

        response.EnsureSuccessStatusCode();
        Assert.Null(host.App.Services.GetRequiredService<TelemetryProviders>().Settings.Endpoint);
    }

    [Theory]
    [InlineData(null, OtlpExportProtocol.HttpProtobuf)]
    [InlineData("http/protobuf", OtlpExportProtocol.HttpProtobuf)]
    [InlineData("grpc", OtlpExportProtocol.Grpc)]
    public void Settings_Protocol_DefaultsToHttpProtobuf(string? protocol, OtlpExportProtocol expected)
    {
        var configuration = Configuration(new() { ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol });

        Assert.Equal(expected, TelemetrySettings.From(configuration, "app").Protocol);
    }

    [Fact]
    public void Settings_ServiceName_FallsBackToResourceAttributeThenApplicationName()
    {
        Assert.Equal("app", TelemetrySettings.From(Configuration([]), "app").ServiceName);
        Assert.Equal("quota", TelemetrySettings.From(
            Configuration(new() { ["OTEL_RESOURCE_ATTRIBUTES"] = "service.name=quota" }), "app").ServiceName);
        Assert.Equal("decisions", TelemetrySettings.From(Configuration(new()
        {
            ["OTEL_SERVICE_NAME"] = "decisions",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "service.name=quota",
        }), "app").ServiceName);
    }

    [Fact]
    public void Settings_BadValues_NameTheSetting()
    {
        var badEndpoint = Assert.Throws<InvalidOperationException>(() => TelemetrySettings.From(
            Configuration(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "not a uri" }), "app"));
        Assert.StartsWith("OTEL_EXPORTER_OTLP_ENDPOINT", badEndpoint.Message, StringComparison.Ordinal);
        var badProtocol = Assert.Throws<InvalidOperationException>(() => TelemetrySettings.From(
            Configuration(new() { ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/json" }), "app"));
        Assert.StartsWith("OTEL_EXPORTER_OTLP_PROTOCOL", badProtocol.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
