using System.Net;
using Diffusion.Testing.Postgres;
using Diffusion.Testing.Processes;
using Diffusion.Testing.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;

namespace Diffusion.ServiceDefaults.Tests;

[Collection(ServersCollection.Name)]
public sealed class ClientIntegrationTests(RedisFixture redis, PostgresFixture postgres)
{
    [Fact]
    public async Task AddRedisClient_RealServer_RegistersConnectedMultiplexerAndHealthyCheck()
    {
        await using var host = await ServiceHost.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString },
            builder => builder.AddRedisClient("redis"));

        var database = host.App.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        await database.StringSetAsync("servicedefaults:k", "v");
        Assert.Equal("v", (string?)await database.StringGetAsync("servicedefaults:k"));
        using var health = await host.Client.GetAsync("/health");
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
        Assert.Equal(42, await command.ExecuteScalarAsync());
        using var health = await host.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task AddRedisClient_ServerDown_StartsButIsNotReady()
    {
        await using var host = await ServiceHost.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:redis"] = $"127.0.0.1:{FreePort.Next()},connectTimeout=500" },
            builder => builder.AddRedisClient("redis"));

        using var health = await host.Client.GetAsync("/health");
        using var alive = await host.Client.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);   // alive: the process runs; not ready: no Redis
    }

    [Fact]
    public async Task AddNpgsqlDataSource_ServerDown_RegistersDataSourceButIsNotReady()
    {
        await using var host = await ServiceHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:ledger"] = $"Host=127.0.0.1;Port={FreePort.Next()};Username=u;Database=ledger;Timeout=2",
            },
            builder => builder.AddNpgsqlDataSource("ledger"));

        var dataSource = host.App.Services.GetRequiredService<NpgsqlDataSource>();
        using var health = await host.Client.GetAsync("/health");

        Assert.Equal("ledger", new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("ledger")]
    public async Task ClientIntegration_MissingConnectionString_FailsAtBootNamingTheSetting(string name)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceHost.StartAsync(
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
            }));

        Assert.Contains($"ConnectionStrings__{name}", error.Message, StringComparison.Ordinal);
    }
}
