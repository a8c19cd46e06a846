using System.Globalization;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;

namespace Diffusion.ServiceDefaults.Tests;

public sealed class ClientIntegrationTests
{
    [Fact]
    public async Task AddRedisClient_RealServer_RegistersConnectedMultiplexerAndHealthyCheck()
    {
        var port = FreePort();
        using var redis = Process.Start(new ProcessStartInfo("/usr/bin/redis-server",
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
        })!;
        try
        {
            await WaitForTcpAsync(port);
            await using var host = await ServiceHost.StartAsync(
                new Dictionary<string, string?> { ["ConnectionStrings:redis"] = $"127.0.0.1:{port}" },
                builder => builder.AddRedisClient("redis"));

            var database = host.App.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
            await database.StringSetAsync("k", "v");
            Assert.Equal("v", (string?)await database.StringGetAsync("k"));
            using var health = await host.Client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            redis.Kill(entireProcessTree: true);
            await redis.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task AddRedisClient_ServerDown_StartsButIsNotReady()
    {
        await using var host = await ServiceHost.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:redis"] = $"127.0.0.1:{FreePort()},connectTimeout=500" },
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
                ["ConnectionStrings:ledger"] = $"Host=127.0.0.1;Port={FreePort()};Username=u;Database=ledger;Timeout=2",
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForTcpAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50);
            }
        }
    }
}
