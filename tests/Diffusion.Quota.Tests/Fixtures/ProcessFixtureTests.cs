using Npgsql;

namespace Diffusion.Quota.Tests.Fixtures;

/// <summary>The process fixtures themselves: what the recovery tests rely on.</summary>
public sealed class ProcessFixtureTests
{
    [Fact]
    public async Task RedisServer_KillAndRestartEmpty_LosesKeys()
    {
        await using var server = await RedisServer.StartAsync();
        using var connection = await server.ConnectAsync();
        await connection.GetDatabase().StringSetAsync("k", "v");

        await server.KillAsync();
        Assert.False(server.IsRunning);
        await server.RestartAsync(keepData: false);

        Assert.True(server.IsRunning);
        var value = await RetryAsync(() => connection.GetDatabase().StringGetAsync("k"));
        Assert.True(value.IsNull);
    }

    [Fact]
    public async Task RedisServer_AppendOnlyKillAndRestartWithData_KeepsKeys()
    {
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { Persistence = RedisPersistence.AppendOnly });
        using (var connection = await server.ConnectAsync())
        {
            await connection.GetDatabase().StringSetAsync("k", "v");
        }

        await server.RestartAsync(keepData: true);

        using var again = await server.ConnectAsync();
        Assert.Equal("v", await again.GetDatabase().StringGetAsync("k"));
    }

    [Fact]
    public async Task PostgresServer_KillAndRestart_KeepsCommittedRows()
    {
        await using var server = await PostgresServer.StartAsync();
        var connectionString = await server.CreateDatabaseAsync();
        await ExecuteAsync(connectionString, "CREATE TABLE t (x int); INSERT INTO t VALUES (42);");

        await server.KillAsync();
        Assert.False(server.IsRunning);
        await server.RestartAsync();

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT x FROM t", connection);
        Assert.Equal(42, await command.ExecuteScalarAsync());
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> action)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (StackExchange.Redis.RedisConnectionException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }
}
