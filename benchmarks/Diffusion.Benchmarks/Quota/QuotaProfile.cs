using System.Globalization;
using Npgsql;
using StackExchange.Redis;

namespace Diffusion.Benchmarks.Quota;

/// <summary>
/// Server-side profile of a quota load (<c>quota --profile</c>): what Redis ran (INFO commandstats: calls and
/// microseconds per call), what PostgreSQL ran (pg_stat_statements: calls, mean and total time per statement), how
/// many commits and WAL fsyncs it made and how long the fsyncs took (pg_stat_wal with track_wal_io_timing).
/// Reset before the measured load, read after it, so the numbers belong to that load alone.
/// </summary>
internal sealed class QuotaProfile(string redisConnection, string ledgerConnection)
{
    /// <summary>PostgreSQL settings the profile needs (the extension is preloaded; fsync timing is on).</summary>
    public static IReadOnlyList<string> PostgresSettings { get; } =
        ["shared_preload_libraries=pg_stat_statements", "track_wal_io_timing=on", "pg_stat_statements.track=all"];

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await using (var connection = new NpgsqlConnection(ledgerConnection))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset(); SELECT pg_stat_reset_shared('wal'); SELECT pg_stat_reset()",
                connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConnection + ",allowAdmin=true");
        await redis.GetServers()[0].ConfigResetStatisticsAsync();
    }

    public async Task PrintAsync(double seconds, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine("Profile of the Reserve+Commit load (server side):");
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(redisConnection + ",allowAdmin=true"))
        {
            Console.WriteLine("| Redis command | calls/s | usec per call |");
            Console.WriteLine("|---|---:|---:|");
            foreach (var group in await redis.GetServers()[0].InfoAsync("commandstats"))
            {
                foreach (var (name, value) in group)
                {
                    // cmdstat_evalsha: calls=123,usec=456,usec_per_call=3.70,...
                    var fields = value.Split(',').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {name.Replace("cmdstat_", "", StringComparison.Ordinal)} | {long.Parse(fields["calls"], CultureInfo.InvariantCulture) / seconds:F0} | {fields["usec_per_call"]} |"));
                }
            }
        }

        await using var connection = new NpgsqlConnection(ledgerConnection);
        await connection.OpenAsync(cancellationToken);
        Console.WriteLine();
        Console.WriteLine("| PostgreSQL statement | calls/s | rows per call | mean ms | total ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        await using (var command = new NpgsqlCommand("""
            SELECT regexp_replace(left(query, 90), '\s+', ' ', 'g'), calls, rows, mean_exec_time, total_exec_time
            FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat%' ORDER BY total_exec_time DESC LIMIT 8
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var calls = reader.GetInt64(1);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| `{reader.GetString(0).Replace("|", "/", StringComparison.Ordinal)}` | {calls / seconds:F0} | {(double)reader.GetInt64(2) / Math.Max(1, calls):F1} | {reader.GetDouble(3):F3} | {reader.GetDouble(4):F0} |"));
            }
        }

        await using (var command = new NpgsqlCommand("""
            SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()), wal_sync, wal_sync_time, wal_write, wal_records
            FROM pg_stat_wal
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            var syncs = reader.GetInt64(1);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"commits {reader.GetInt64(0) / seconds:F0}/s; WAL fsyncs {syncs / seconds:F0}/s, mean {reader.GetDouble(2) / Math.Max(1, syncs):F3} ms each ({reader.GetDouble(2) / (seconds * 1000) * 100:F0} % of the time fsyncing); WAL records {reader.GetInt64(4) / seconds:F0}/s"));
        }
    }
}
