using System.Net;
using System.Net.Sockets;
using System.Text;
using Diffusion.Testing.Postgres;
using Diffusion.Testing.Redis;
using Npgsql;
using StackExchange.Redis;

namespace Diffusion.Storage.Tests.Secrets;

/// <summary>
/// The PostgreSQL and Redis every test host starts require a password, as the AppHost's do: with it a client is
/// served; without it, or with a wrong one, PostgreSQL refuses the connection (scram-sha-256) and Redis every command.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LocalServerPasswordTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Postgres_WithThePassword_Served_WithoutOrWrong_Refused()
    {
        var database = await postgres.CreateDatabaseAsync();
        var withPassword = new NpgsqlConnectionStringBuilder(database);
        var without = new NpgsqlConnectionStringBuilder(database) { Password = null, Pooling = false };
        var wrong = new NpgsqlConnectionStringBuilder(database) { Password = "not-the-password", Pooling = false };

        await using (var connection = new NpgsqlConnection(withPassword.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SHOW password_encryption", connection);
            Assert.Equal("scram-sha-256", await command.ExecuteScalarAsync());
        }

        var noPassword = await Assert.ThrowsAnyAsync<NpgsqlException>(() => OpenAsync(without.ConnectionString));
        var wrongPassword = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(wrong.ConnectionString));

        Assert.Contains("password", noPassword.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(PostgresErrorCodes.InvalidPassword, wrongPassword.SqlState);
        // initdb aligns pg_hba.conf's columns with runs of spaces: match the words, not the spacing.
        Assert.Matches(@"(?m)^host\s+all\s+all\s+127\.0\.0\.1/32\s+scram-sha-256\s*$", await File.ReadAllTextAsync(Path.Combine(postgres.Server.Root, "data", "pg_hba.conf")));
    }

    [Fact]
    public async Task Redis_WithThePassword_Served_WithoutOrWrong_Refused()
    {
        await using var redis = await RedisServer.StartAsync();

        await using (var served = await redis.ConnectAsync())
        {
            Assert.True(await served.GetDatabase().StringSetAsync("k", "1"));
        }

        // What redis-server answers on the wire (RESP), and what a StackExchange.Redis client without the password gets.
        var unauthenticated = await ExchangeAsync(redis.Port, "GET k\r\n");
        var wrongPassword = await ExchangeAsync(redis.Port, "AUTH not-the-password\r\n");
        var rightPassword = await ExchangeAsync(redis.Port, $"AUTH {redis.Password}\r\n");
        await using var without = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port},abortConnect=false,connectTimeout=2000,syncTimeout=2000");

        Assert.StartsWith("-NOAUTH", unauthenticated, StringComparison.Ordinal);
        Assert.StartsWith("-WRONGPASS", wrongPassword, StringComparison.Ordinal);
        Assert.Equal("+OK\r\n", rightPassword);
        await Assert.ThrowsAnyAsync<RedisException>(() => without.GetDatabase().StringGetAsync("k"));
    }

    private static async Task<string> ExchangeAsync(int port, string command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command));
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    private static async Task OpenAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
    }
}
