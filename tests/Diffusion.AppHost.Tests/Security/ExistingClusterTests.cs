using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Diffusion.AppHost.Tests.Security;

/// <summary>
/// A data directory whose cluster an older AppHost made with trust authentication (initdb <c>--auth=trust</c>, no
/// password; the load test's data directory is one) is converted on the next start: the generated password is set,
/// pg_hba.conf allows scram-sha-256 only, and the data is kept. Only PostgreSQL runs here: the services are not under test.
/// </summary>
public sealed class ExistingClusterTests
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private static readonly string[] Kept = ["postgres", "postgres-init", "ledger"];

    [Fact]
    public async Task ClusterMadeWithTrust_GetsTheGeneratedPasswordAndScramOnly_KeepsItsData_NeverLogsThePassword()
    {
        using var timeout = new CancellationTokenSource(AppFixture.Timeout);
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"diffusion-apphost-tests-{Guid.NewGuid():N}");
        var cluster = Path.Combine(dataDirectory, "postgres");
        try
        {
            // What an older AppHost left behind, with a database of its own in it.
            Directory.CreateDirectory(cluster);
            await ShellAsync(
                $"""
                 chown postgres: '{cluster}' && chmod 700 '{cluster}'
                 runuser -u postgres -- {Bin}/initdb -D '{cluster}' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
                 echo 'CREATE DATABASE made_before;' | runuser -u postgres -- {Bin}/postgres --single -D '{cluster}' postgres >/dev/null
                 """,
                timeout.Token);
            Assert.Contains("trust", await File.ReadAllTextAsync(Path.Combine(cluster, "pg_hba.conf"), timeout.Token), StringComparison.Ordinal);

            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Diffusion_AppHost>(
                [$"--AppHost:DataDirectory={dataDirectory}"], timeout.Token);
            foreach (var resource in builder.Resources.Where(r => r is not ParameterResource && !Kept.Contains(r.Name)).ToList())
            {
                builder.Resources.Remove(resource);
            }

            await using var app = await builder.BuildAsync(timeout.Token);
            await app.StartAsync(timeout.Token);
            var init = await app.ResourceNotifications.WaitForResourceAsync(
                "postgres-init", e => e.Snapshot.State?.Text == KnownResourceStates.Finished, timeout.Token);
            Assert.Equal(0, init.Snapshot.ExitCode);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("ledger", timeout.Token);

            var password = (await File.ReadAllTextAsync(Path.Combine(dataDirectory, "secrets", "postgres"), timeout.Token)).Trim();
            var ledger = await app.GetConnectionStringAsync("ledger", timeout.Token) ?? throw new InvalidOperationException("no ledger connection string");
            var kept = new NpgsqlConnectionStringBuilder(ledger) { Database = "made_before", Pooling = false };
            await using (var connection = new NpgsqlConnection(kept.ConnectionString))
            {
                await connection.OpenAsync(timeout.Token);
                await using var method = new NpgsqlCommand("SHOW password_encryption", connection);
                Assert.Equal("scram-sha-256", await method.ExecuteScalarAsync(timeout.Token));
                await using var stored = new NpgsqlCommand("SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'", connection);
                Assert.StartsWith("SCRAM-SHA-256$", (string?)await stored.ExecuteScalarAsync(timeout.Token), StringComparison.Ordinal);
            }

            var without = new NpgsqlConnectionStringBuilder(kept.ConnectionString) { Password = null };
            var refused = await Assert.ThrowsAnyAsync<NpgsqlException>(async () =>
            {
                await using var connection = new NpgsqlConnection(without.ConnectionString);
                await connection.OpenAsync(timeout.Token);
            });
            Assert.Contains("password", refused.Message, StringComparison.OrdinalIgnoreCase);
            var wrong = new NpgsqlConnectionStringBuilder(kept.ConnectionString) { Password = password + "x" };
            var denied = await Assert.ThrowsAsync<PostgresException>(async () =>
            {
                await using var connection = new NpgsqlConnection(wrong.ConnectionString);
                await connection.OpenAsync(timeout.Token);
            });
            Assert.Equal("28P01", denied.SqlState);

            var rules = (await File.ReadAllLinesAsync(Path.Combine(cluster, "pg_hba.conf"), timeout.Token))
                .Where(line => !line.TrimStart().StartsWith('#') && !string.IsNullOrWhiteSpace(line)).ToList();
            Assert.NotEmpty(rules);
            Assert.All(rules, rule => Assert.EndsWith("scram-sha-256", rule.TrimEnd(), StringComparison.Ordinal));

            // The init step's output, as the dashboard shows it, says what it did and holds no password.
            var lines = new List<string>();
            var logs = app.Services.GetRequiredService<ResourceLoggerService>();
            await foreach (var batch in logs.WatchAsync(init.ResourceId).WithCancellation(timeout.Token))
            {
                lines.AddRange(batch.Select(line => line.Content));
                if (lines.Any(line => line.Contains("scram-sha-256 only", StringComparison.Ordinal)))
                {
                    break;
                }
            }

            Assert.Contains(lines, line => line.Contains("holds a cluster already", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, line => line.Contains(password, StringComparison.Ordinal));
            await app.StopAsync(timeout.Token);
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    private static async Task ShellAsync(string script, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-ec", script]) { RedirectStandardError = true })
            ?? throw new InvalidOperationException("/bin/sh did not start");
        var error = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, $"setting up the old cluster failed ({process.ExitCode}): {error}");
    }
}
