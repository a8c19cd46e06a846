using System.Net;
using Diffusion.Testing.Postgres;
using Diffusion.Testing.Processes;
using Diffusion.Testing.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;

namespace Diffusion.ServiceDefaults.Tests;

/// <summary>
/// Aspire's client integrations (Aspire.StackExchange.Redis, Aspire.Npgsql) beside the service defaults, against real
/// redis-server and PostgreSQL processes: each registers a readiness check, which <c>/health</c> reports.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class ClientIntegrationTests(RedisFixture redis, PostgresFixture postgres)
{
    [Fact]
    public async Task AddRedisClient_RealServer_RegistersMultiplexerAndHealthyCheck()
    {
        await using var host = await ServiceHost.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString },
            builder => builder.AddRedisClient("redis"));

        var database = host.App.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        await database.StringSetAsync("servicedefaults:k", "v");
        var report = await host.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        using var health = await host.Http.GetAsync("/health");

        Assert.Equal("v", (string?)await database.StringGetAsync("servicedefaults:k"));
        Assert.Equal(HealthStatus.Healthy, Assert.Single(report.Entries, e => e.Key != "self").Value.Status);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task AddNpgsqlDataSource_RealServer_RegistersDataSourceAndHealthyCheck()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var host = await ServiceHost.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:ledger"] = connectionString },
            builder => builder.AddNpgsqlDataSource("ledger"));

        await using var command = host.App.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT 41 + 1");
        var report = await host.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        using var health = await host.Http.GetAsync("/health");

        Assert.Equal(42, await command.ExecuteScalarAsync());
        Assert.Equal(HealthStatus.Healthy, Assert.Single(report.Entries, e => e.Key != "self").Value.Status);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task AddRedisClient_ServerDown_StartsAliveButNotReady()
    {
        await using var host = await ServiceHost.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:redis"] = $"127.0.0.1:{FreePort.Next()},connectTimeout=500" },
            builder => builder.AddRedisClient("redis"));

        using var health = await host.Http.GetAsync("/health");
        using var alive = await host.Http.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);   // alive: the process runs; not ready: no Redis
    }

    [Fact]
    public async Task AddNpgsqlDataSource_ServerDown_RegistersDataSourceAliveButNotReady()
    {
        await using var host = await ServiceHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:ledger"] = $"Host=127.0.0.1;Port={FreePort.Next()};Username=u;Database=ledger;Timeout=2",
            },
            builder => builder.AddNpgsqlDataSource("ledger"));

        var dataSource = host.App.Services.GetRequiredService<NpgsqlDataSource>();
        using var health = await host.Http.GetAsync("/health");
        using var alive = await host.Http.GetAsync("/alive");

        Assert.Equal("ledger", new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task AddRedisClient_ServerComesUpLater_BecomesReady()
    {
        await using var server = await RedisServer.StartAsync();
        await server.KillAsync();
        await using var host = await ServiceHost.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:redis"] = server.ConnectionString },
            builder => builder.AddRedisClient("redis"));
        using var before = await host.Http.GetAsync("/health");

        await server.RestartAsync();
        var after = await WaitForStatusAsync(host, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after);
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("ledger")]
    public async Task ClientIntegration_MissingConnectionString_ResolvingTheClientNamesTheSetting(string name)
    {
        await using var host = await ServiceHost.StartAsync(
            new Dictionary<string, string?>(),
            builder =>
            {
                if (name == "redis")
                {
                    builder.AddRedisClient(name);
                }
                else
                {
                    builder.AddNpgsqlDataSource(name);
                }
            });

        var error = Assert.Throws<InvalidOperationException>(() => name == "redis"
            ? (object)host.App.Services.GetRequiredService<IConnectionMultiplexer>()
            : host.App.Services.GetRequiredService<NpgsqlDataSource>());
        using var health = await host.Http.GetAsync("/health");

        Assert.Contains($"ConnectionStrings:{name}", error.Message, StringComparison.Ordinal);
        Assert.False(health.IsSuccessStatusCode);   // not ready (Redis' check reports 503; Npgsql's check throws: 500)
    }

    private static async Task<HttpStatusCode> WaitForStatusAsync(ServiceHost host, HttpStatusCode wanted)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            using var response = await host.Http.GetAsync("/health", timeout.Token);
            if (response.StatusCode == wanted || timeout.IsCancellationRequested)
            {
                return response.StatusCode;
            }

            await Task.Delay(200, timeout.Token);
        }
    }
}
