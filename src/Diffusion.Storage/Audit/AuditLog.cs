using System.Security.Cryptography;
using Diffusion.Storage.Migrations;
using Npgsql;
using NpgsqlTypes;

namespace Diffusion.Storage.Audit;

/// <summary>
/// The audit trail in PostgreSQL (schema <c>audit</c>): appended inside the transaction of the change it records, one
/// writer at a time (a transaction-scoped advisory lock, so rows get gapless seq numbers in commit order across every
/// service and replica), read back in seq order for verification and listing.
/// </summary>
public static class AuditLog
{
    /// <summary>The schema's migrations (applied by every service that appends, under the migrator's lock).</summary>
    public static MigrationSet Migrations { get; } =
        MigrationSet.FromEmbeddedResources("audit", typeof(AuditLog).Assembly, "Diffusion.Storage.Audit.Migrations.");

    /// <summary>Advisory lock key of the append (an arbitrary constant: "audit" in ASCII).</summary>
    private const long AppendLock = 0x6175646974;

    /// <summary>
    /// Appends <paramref name="record"/> as the next row, in <paramref name="transaction"/> (the change's own), so the
    /// change and its audit row commit or roll back together.
    /// </summary>
    public static async Task<AuditEntry> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return (await AppendAsync(connection, transaction, [record], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// Appends <paramref name="records"/> as the next rows, in their order, in <paramref name="transaction"/>: one lock,
    /// one read of the head and one round trip of inserts for the lot (group commit for a busy writer).
    /// </summary>
    public static async Task<IReadOnlyList<AuditEntry>> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(records);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = AppendLock });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long seq = 0;
        var previous = AuditChain.Genesis;
        await using (var command = new NpgsqlCommand("SELECT seq, hash FROM audit.events ORDER BY seq DESC LIMIT 1", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                seq = reader.GetInt64(0);
                previous = (byte[])reader[1];
            }
        }

        var entries = new List<AuditEntry>(records.Count);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var original in records)
        {
            ArgumentNullException.ThrowIfNull(original);
            var record = original with { At = new DateTimeOffset(original.At.UtcTicks - original.At.UtcTicks % 10, TimeSpan.Zero) };
            seq = checked(seq + 1);
            var entry = new AuditEntry(seq, record, previous, AuditChain.Hash(previous, seq, record));
            var command = new NpgsqlBatchCommand(
                "INSERT INTO audit.events (seq, at, actor, kind, subject, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
            command.Parameters.Add(new NpgsqlParameter { Value = seq });
            command.Parameters.Add(new NpgsqlParameter { Value = record.At.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = record.Actor });
            command.Parameters.Add(new NpgsqlParameter { Value = record.Kind });
            command.Parameters.Add(new NpgsqlParameter { Value = record.Subject });
            command.Parameters.Add(new NpgsqlParameter { Value = record.Details });
            command.Parameters.Add(new NpgsqlParameter { Value = entry.PrevHash });
            command.Parameters.Add(new NpgsqlParameter { Value = entry.Hash });
            batch.BatchCommands.Add(command);
            entries.Add(entry);
            previous = entry.Hash;
        }

        if (entries.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return entries;
    }

    /// <summary>Appends <paramref name="record"/> in a transaction of its own.</summary>
    public static async Task<AuditEntry> AppendAsync(NpgsqlDataSource dataSource, AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var entry = await AppendAsync(connection, transaction, record, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return entry;
    }

    /// <summary>
    /// The rows as stored, in seq order, optionally only those matching a filter (for listing; verification reads
    /// them all).
    /// </summary>
    public static async IAsyncEnumerable<AuditEntry> ReadAsync(NpgsqlDataSource dataSource, AuditFilter? filter = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        filter ??= new AuditFilter();
        await using var command = dataSource.CreateCommand("""
            SELECT seq, at, actor, kind, subject, details, prev_hash, hash FROM audit.events
            WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR subject LIKE $3 || '%')
              AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5)
            ORDER BY seq
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.Actor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.Kind ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.SubjectPrefix ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.Since?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.Until?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var record = new AuditRecord(new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5));
            yield return new AuditEntry(reader.GetInt64(0), record, (byte[])reader[6], (byte[])reader[7]);
        }
    }

    /// <summary>Every checkpoint, oldest first.</summary>
    public static async Task<IReadOnlyList<AuditCheckpoint>> CheckpointsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var checkpoints = new List<AuditCheckpoint>();
        await using var command = dataSource.CreateCommand("SELECT seq, head_hash, signed_at, key_id, signature FROM audit.checkpoints ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            checkpoints.Add(new AuditCheckpoint(reader.GetInt64(0), (byte[])reader[1], new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero), reader.GetString(3), (byte[])reader[4]));
        }

        return checkpoints;
    }

    /// <summary>
    /// Signs the chain's current head with <paramref name="key"/> (which the database never sees) and stores the
    /// checkpoint; nothing when the trail is empty or its head is already checkpointed. Returns the checkpoint made.
    /// </summary>
    public static async Task<AuditCheckpoint?> CheckpointAsync(NpgsqlDataSource dataSource, ECDsa key, string keyId, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(clock);
        await using var command = dataSource.CreateCommand(
            "SELECT e.seq, e.hash FROM audit.events e WHERE NOT EXISTS (SELECT 1 FROM audit.checkpoints c WHERE c.seq = e.seq) AND e.seq = (SELECT max(seq) FROM audit.events)");
        long seq;
        byte[] head;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            (seq, head) = (reader.GetInt64(0), (byte[])reader[1]);
        }

        var now = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var checkpoint = new AuditCheckpoint(seq, head, now, keyId, key.SignData(AuditChain.CheckpointPayload(seq, head, now), HashAlgorithmName.SHA256));
        await using var insert = dataSource.CreateCommand(
            "INSERT INTO audit.checkpoints (seq, head_hash, signed_at, key_id, signature) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seq) DO NOTHING");
        insert.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Seq });
        insert.Parameters.Add(new NpgsqlParameter { Value = checkpoint.HeadHash });
        insert.Parameters.Add(new NpgsqlParameter { Value = checkpoint.SignedAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(new NpgsqlParameter { Value = checkpoint.KeyId });
        insert.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Signature });
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return checkpoint;
    }
}

/// <summary>Which rows to list; null fields match everything. <see cref="Since"/> and <see cref="Until"/> bound <c>[Since, Until)</c>.</summary>
public sealed record AuditFilter(string? Actor = null, string? Kind = null, string? SubjectPrefix = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null);
