using Microsoft.Extensions.Logging;
using Npgsql;

namespace Diffusion.Storage.Migrations;

/// <summary>
/// Brings a schema up to its <see cref="MigrationSet"/>: applies, in version order, every migration its journal does not
/// list, and journals each. The whole run is one transaction under a transaction-scoped advisory lock: replicas (and
/// services sharing a database) starting together apply each migration exactly once, and a failing migration leaves
/// the schema and its journal as they were (PostgreSQL's DDL is transactional), so a service never starts on a schema
/// half-way between two versions.
/// </summary>
public static partial class SchemaMigrator
{
    // An arbitrary constant naming "Diffusion schema migrations" among the database's advisory locks ("DIFFMIGR").
    private const long AdvisoryLockKey = 0x4449_4646_4D49_4752;

    /// <summary>Applies what is missing; returns how many migrations were applied (0: the schema was up to date).</summary>
    /// <exception cref="InvalidOperationException">A migration failed; the message names its file and the error.</exception>
    public static async Task<int> ApplyAsync(NpgsqlDataSource dataSource, MigrationSet set, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(logger);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"""
            CREATE SCHEMA IF NOT EXISTS {set.Schema};
            CREATE TABLE IF NOT EXISTS {set.Journal} (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """, cancellationToken).ConfigureAwait(false);
        if (set.Prologue is { } prologue)
        {
            await ExecuteAsync(connection, transaction, prologue, cancellationToken).ConfigureAwait(false);
        }

        var applied = new HashSet<int>();
        await using (var select = new NpgsqlCommand($"SELECT version FROM {set.Journal}", connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var count = 0;
        foreach (var migration in set.Migrations.Where(m => !applied.Contains(m.Version)))
        {
            try
            {
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e)
            {
                throw new InvalidOperationException($"migration {migration.FileName} of schema {set.Schema} failed, nothing applied: {e.MessageText}", e);
            }

            await using var record = new NpgsqlCommand($"INSERT INTO {set.Journal} (version, name) VALUES ($1, $2)", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Version });
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Name });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Log.Applied(logger, set.Schema, migration.FileName);
            count++;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Schema {Schema}: applied migration {File}")]
        public static partial void Applied(ILogger logger, string schema, string file);
    }
}
