using Npgsql;

namespace Diffusion.EndUsers.Storage;

/// <summary>
/// Applies the SQL files embedded from Storage/Migrations (named <c>NNN_description.sql</c>, applied in name order)
/// to the <c>endusers</c> schema, each once, recorded in <c>endusers.schema_migrations</c>. Runs in one transaction
/// under an advisory lock, so replicas starting together apply each file exactly once.
/// </summary>
internal sealed partial class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    // An arbitrary constant identifying "endusers schema migrations" among advisory locks.
    private const long AdvisoryLockKey = 0x456E645573657273;   // "EndUsers"

    /// <summary>Applies every migration not yet applied.</summary>
    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);
        await ExecuteAsync(
            connection,
            transaction,
            """
            CREATE SCHEMA IF NOT EXISTS endusers;
            CREATE TABLE IF NOT EXISTS endusers.schema_migrations (
                version    text        PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now());
            """,
            cancellationToken);

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var select = new NpgsqlCommand("SELECT version FROM endusers.schema_migrations", connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }

        var migrations = Migrations().ToList();
        if (migrations.Count == 0)
        {
            throw new InvalidOperationException("no migrations embedded under Diffusion.EndUsers.Storage.Migrations");
        }

        foreach (var (version, sql) in migrations)
        {
            if (applied.Contains(version))
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, sql, cancellationToken);
            await using var insert = new NpgsqlCommand("INSERT INTO endusers.schema_migrations (version) VALUES ($1)", connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter { Value = version });
            await insert.ExecuteNonQueryAsync(cancellationToken);
            Log.Applied(logger, version);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static IEnumerable<(string Version, string Sql)> Migrations()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        const string prefix = "Diffusion.EndUsers.Storage.Migrations.";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"embedded migration {name} not found");
            using var reader = new StreamReader(stream);
            yield return (Path.GetFileNameWithoutExtension(name[prefix.Length..]), reader.ReadToEnd());
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Applied migration {Version} to schema endusers")]
        public static partial void Applied(ILogger logger, string version);
    }
}
