using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Diffusion.AppHost.Tests.Security;

/// <summary>
/// The AppHost's PostgreSQL and Redis (local processes) require the passwords it made on first run under
/// <c>secrets/</c> (mode 0600): the services get them in their connection strings; a client without them is refused.
/// The audit checkpoint key is a secret there too, its public half beside the data.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SecretsTests(AppFixture fixture)
{
    [Fact]
    public async Task PostgresAndRedis_ServeWithTheGeneratedPassword_RefuseWithout()
    {
        var postgresPassword = Secret("postgres");
        var redisPassword = Secret("redis");
        var ledger = await fixture.App.GetConnectionStringAsync("ledger") ?? throw new InvalidOperationException("no ledger connection string");
        var redis = await fixture.App.GetConnectionStringAsync("redis") ?? throw new InvalidOperationException("no redis connection string");
        var redisEndpoint = redis.Split(',')[0];

        await using (var served = new NpgsqlConnection(ledger))
        {
            await served.OpenAsync();
        }

        var without = new NpgsqlConnectionStringBuilder(ledger) { Password = null, Pooling = false };
        var refused = await Assert.ThrowsAnyAsync<NpgsqlException>(async () =>
        {
            await using var connection = new NpgsqlConnection(without.ConnectionString);
            await connection.OpenAsync();
        });

        Assert.Contains($"Password={postgresPassword}", ledger, StringComparison.Ordinal);
        Assert.Contains("password", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"password={redisPassword}", redis, StringComparison.Ordinal);
        Assert.StartsWith("-NOAUTH", await ExchangeAsync(redisEndpoint, "GET anything\r\n"), StringComparison.Ordinal);
        Assert.Equal("+OK\r\n", await ExchangeAsync(redisEndpoint, $"AUTH {redisPassword}\r\n"));
        if (!OperatingSystem.IsWindows())
        {
            foreach (var name in new[] { "postgres", "redis", "redis.conf", "audit-checkpoint" })
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(fixture.DataDirectory, "secrets", name)));
            }
        }

        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", await File.ReadAllTextAsync(Path.Combine(fixture.DataDirectory, "audit-checkpoint.pub.pem")), StringComparison.Ordinal);
    }

    private string Secret(string name) => File.ReadAllText(Path.Combine(fixture.DataDirectory, "secrets", name)).Trim();

    private static async Task<string> ExchangeAsync(string hostAndPort, string command)
    {
        var (host, port) = (hostAndPort[..hostAndPort.LastIndexOf(':')], int.Parse(hostAndPort[(hostAndPort.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        using var client = new TcpClient();
        await client.ConnectAsync(host, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command));
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
