using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Diffusion.AppHost.Orchestration;

namespace Diffusion.AppHost.Tests;

[Collection(SystemCollection.Name)]
public sealed class OrchestrationTests(SystemFixture system)
{
    [Fact]
    public void Start_EveryResourceRunningAndHealthy_InDependencyOrder()
    {
        var resources = system.App.GetResources().ToDictionary(r => r.Name);

        Assert.All(resources.Values, r => Assert.Equal(ResourceState.Running, r.State));
        Assert.All(resources.Values, r => Assert.Equal(HealthStatus.Healthy, r.Health));
        var backStarted = resources["back"].Replicas.Min(r => r.StartedAt!.Value);
        Assert.True(backStarted >= resources["redis"].ReadyAt, "back started before redis was healthy");
        Assert.True(backStarted >= resources["ledger"].ReadyAt, "back started before the ledger database existed");
        Assert.True(resources["front"].Replicas[0].StartedAt >= resources["back"].ReadyAt, "front started before back was healthy");
        Assert.Equal(2, resources["back"].Replicas.Select(r => r.Endpoint).Distinct().Count());
    }

    [Fact]
    public async Task Env_InjectedByReference_UsesAspireConventionsAndEachReplicasPort()
    {
        var front = await system.Services.GetFromJsonAsync<Dictionary<string, string>>(new Uri(new Uri(system.UrlOf("front")), "/env"));
        var back = await system.Services.GetFromJsonAsync<Dictionary<string, string>>(new Uri(new Uri(system.UrlOf("back", 1)), "/env"));

        Assert.Equal(system.UrlOf("back", 0), front!["services__back__grpc__0"]);
        Assert.Equal(system.UrlOf("back", 1), front["services__back__grpc__1"]);
        Assert.Equal("front", front["OTEL_SERVICE_NAME"]);
        Assert.Equal(system.App.DashboardUrl!.ToString().TrimEnd('/'), front["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.False(front.ContainsKey("ConnectionStrings__redis"));
        Assert.Equal(system.UrlOf("back", 1), back!["ASPNETCORE_URLS"]);
        Assert.StartsWith("127.0.0.1:", back["ConnectionStrings__redis"], StringComparison.Ordinal);
        Assert.Contains("Database=ledger", back["ConnectionStrings__ledger"], StringComparison.Ordinal);
        Assert.Equal("service.instance.id=back-1", back["OTEL_RESOURCE_ATTRIBUTES"]);
    }

    [Fact]
    public async Task Trace_CrossingTwoServices_ArrivesAtTheDashboard()
    {
        var answer = await system.Services.GetStringAsync(new Uri(new Uri(system.UrlOf("front")), "/chain"));
        Assert.Equal("front -> pong from back", answer);

        var trace = await SystemFixture.EventuallyAsync(async () =>
        {
            var traces = await system.Dashboard.GetFromJsonAsync<JsonElement>("/api/traces?service=front");
            return traces.EnumerateArray()
                .Where(t => t.GetProperty("services").EnumerateArray().Select(s => s.GetString()).ToHashSet() is var services
                    && services.Contains("front") && services.Contains("back"))
                .Select(t => t.GetProperty("traceId").GetString())
                .FirstOrDefault();
        }, TimeSpan.FromSeconds(45), "a trace with spans of front and back");

        var spans = await system.Dashboard.GetFromJsonAsync<JsonElement>($"/api/traces/{trace}");
        var byService = spans.EnumerateArray().ToLookup(s => s.GetProperty("service").GetString());
        var frontServer = byService["front"].Single(s => s.GetProperty("kind").GetString() == "SERVER");
        var frontClient = byService["front"].Single(s => s.GetProperty("kind").GetString() == "CLIENT");
        var backServer = byService["back"].Single(s => s.GetProperty("kind").GetString() == "SERVER");
        Assert.Equal("GET /chain", frontServer.GetProperty("name").GetString());
        Assert.Equal(frontClient.GetProperty("spanId").GetString(), backServer.GetProperty("parentSpanId").GetString());
        Assert.Equal("GET /ping", backServer.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Crash_KilledReplica_IsRestartedOnItsPortAndServesAgain()
    {
        var before = system.App.GetResource("back").Replicas[1];
        Assert.True(ProcessGroupsKill(before.ProcessId!.Value));

        var after = await SystemFixture.EventuallyAsync(() =>
        {
            var replica = system.App.GetResource("back").Replicas[1];
            return Task.FromResult(replica.Restarts > before.Restarts && replica.State == ResourceState.Running && replica.ProcessId != before.ProcessId
                ? replica : null);
        }, TimeSpan.FromSeconds(60), "back-1 running again after SIGKILL");

        Assert.Equal(before.Endpoint, after.Endpoint);
        Assert.Equal(137, after.LastExitCode);
        using var health = await system.Services.GetAsync(new Uri(new Uri(after.Endpoint!), "/health"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains(system.App.GetLogs("back"), l => l.Text.Contains("back-1: exited with code 137", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Api_Resources_ReturnsNameKindStateEndpointsRestartsHealth()
    {
        var resources = await system.Dashboard.GetFromJsonAsync<JsonElement>("/api/resources");

        var redis = resources.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "redis");
        Assert.Equal("redis", redis.GetProperty("kind").GetString());
        Assert.Equal("Running", redis.GetProperty("state").GetString());
        Assert.Equal("Healthy", redis.GetProperty("health").GetString());
        Assert.StartsWith("tcp://127.0.0.1:", redis.GetProperty("endpoints")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Number, redis.GetProperty("restarts").ValueKind);
        var names = resources.EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToList();
        Assert.Equal(["redis", "postgres", "ledger", "back", "front"], names);
    }

    private static bool ProcessGroupsKill(int pid)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        return kill.ExitCode == 0;
    }
}
