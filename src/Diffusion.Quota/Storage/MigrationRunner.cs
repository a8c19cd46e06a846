using Npgsql;

namespace Diffusion.Quota.Storage;

/// <summary>
/// Applies the SQL files embedded from Storage/Migrations (named <c>NNNN_name.sql</c>, applied in number order) that
/// the <c>schema_version</c> table does not list yet, each in its own transaction. A session advisory lock
/// serialises replicas starting together.
/// </summary>
internal static partial class MigrationRunner
{
    private const long AdvisoryLockKey = 0x5155_4F54_4100; // "QUOTA"

    /// <summary>The embedded migrations in order: (version, name, sql).</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } = Load();

    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_version (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken);
            var applied = new HashSet<int>();
            await using (var command = new NpgsqlCommand("SELECT version FROM schema_version", connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            var count = 0;
            foreach (var (version, name, sql) in Migrations.Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, transaction, sql, cancellationToken);
                await using (var record = new NpgsqlCommand("INSERT INTO schema_version (version, name) VALUES ($1, $2)", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter { Value = version });
                    record.Parameters.Add(new NpgsqlParameter { Value = name });
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                count++;
            }

            return count;
        }
        finally
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<(int, string, string)> Load()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        const string marker = ".Storage.Migrations.";
        var result = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.Contains(marker, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var file = resource[(resource.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..^4];
            var match = MigrationName().Match(file);
            if (!match.Success)
            {
                throw new InvalidOperationException($"migration '{file}.sql' is not named NNNN_name.sql");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            result.Add((int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[2].Value, reader.ReadToEnd()));
        }

        return [.. result.OrderBy(m => m.Item1)];
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^_?(\d{4})_(\w+)$")]
    private static partial System.Text.RegularExpressions.Regex MigrationName();
}
