using Diffusion.Quota.Reservations;
using Diffusion.Storage.Audit;
using Npgsql;
using NpgsqlTypes;

namespace Diffusion.Quota.Storage;

/// <summary>A ledger write carried an epoch older than the ledger's fence: Redis was rebuilt since the hold was made.</summary>
internal sealed class StaleEpochException(long epoch, long fence)
    : Exception($"epoch {epoch} is older than the ledger fence {fence}: Redis was rebuilt since")
{
    public long Epoch { get; } = epoch;

    public long Fence { get; } = fence;
}

/// <summary>One cap change as audited in the ledger.</summary>
public sealed record AllocationChange(string BucketId, long? PreviousCap, long NewCap, string Actor, string Reason, DateTimeOffset ChangedAt);

/// <summary>
/// The PostgreSQL ledger: the record of every reservation and cap change. Reads and the sweeper's and officer's
/// writes live here; reservation writes on the hot path go through <see cref="LedgerWriter"/> (group commit).
/// </summary>
internal sealed class Ledger(NpgsqlDataSource dataSource)
{
    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>The reservations with these ids that the ledger has.</summary>
    public async Task<IReadOnlyDictionary<string, Reservation>> FindAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindAsync(connection, null, ids, cancellationToken);
    }

    /// <summary>
    /// Marks up to <paramref name="limit"/> pending reservations whose expiry is at or before <paramref name="now"/> as
    /// expired and returns them. Rows another replica is sweeping are skipped (SKIP LOCKED), so replicas share the work.
    /// </summary>
    public async Task<IReadOnlyList<Reservation>> ExpireDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ReadFenceAsync(connection, transaction, share: true, cancellationToken);
        var ids = new List<string>();
        await using (var command = new NpgsqlCommand(LedgerStatements.ExpireDue, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
        }

        var rows = ids.Count == 0 ? new Dictionary<string, Reservation>() : await FindAsync(connection, transaction, ids, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return [.. rows.Values];
    }

    /// <summary>
    /// Sets a bucket's cap and audits it, in one transaction that also holds the fence (shared) so no rebuild runs
    /// in between. <paramref name="applyToRedis"/> runs inside the transaction, after the rows are written and before
    /// the commit: when it returns false (Redis refused or not ready) the transaction rolls back.
    /// </summary>
    public async Task<(long? PreviousCap, bool Applied)> SetCapAsync(
        AllocationChange change,
        Func<long, long?, Task<bool>> applyToRedis,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var fence = await ReadFenceAsync(connection, transaction, share: true, cancellationToken);
        await using (var command = new NpgsqlCommand(
            "INSERT INTO buckets (bucket_id, cap, created_at, updated_at) VALUES ($1, NULL, $2, $2) ON CONFLICT (bucket_id) DO NOTHING",
            connection,
            transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = change.BucketId });
            command.Parameters.Add(new NpgsqlParameter { Value = change.ChangedAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        long? previous;
        await using (var command = new NpgsqlCommand("SELECT cap FROM buckets WHERE bucket_id = $1 FOR UPDATE", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = change.BucketId });
            var value = await command.ExecuteScalarAsync(cancellationToken);
            previous = value is long cap ? cap : null;
        }

        await using (var command = new NpgsqlCommand("UPDATE buckets SET cap = $2, updated_at = $3 WHERE bucket_id = $1", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = change.BucketId });
            command.Parameters.Add(new NpgsqlParameter { Value = change.NewCap });
            command.Parameters.Add(new NpgsqlParameter { Value = change.ChangedAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = new NpgsqlCommand("""
            INSERT INTO allocation_changes (bucket_id, previous_cap, new_cap, actor, reason, changed_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = change.BucketId });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)previous ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter { Value = change.NewCap });
            command.Parameters.Add(new NpgsqlParameter { Value = change.Actor });
            command.Parameters.Add(new NpgsqlParameter { Value = change.Reason });
            command.Parameters.Add(new NpgsqlParameter { Value = change.ChangedAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (!await applyToRedis(fence, previous))
        {
            await transaction.RollbackAsync(cancellationToken);
            return (previous, false);
        }

        // The audit trail's row commits with the change (last, so the trail's lock is held only for the commit).
        var details = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["previous_cap"] = previous,
            ["new_cap"] = change.NewCap,
            ["reason"] = change.Reason,
        });
        await AuditLog.AppendAsync(connection, transaction, new AuditRecord(change.ChangedAt, change.Actor, AuditKinds.CapSet, change.BucketId, details), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (previous, true);
    }

    /// <summary>The audit trail of a bucket's cap, oldest first.</summary>
    public async Task<IReadOnlyList<AllocationChange>> AllocationChangesAsync(string bucketId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT bucket_id, previous_cap, new_cap, actor, reason, changed_at FROM allocation_changes WHERE bucket_id = $1 ORDER BY change_id");
        command.Parameters.Add(new NpgsqlParameter { Value = bucketId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<AllocationChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new AllocationChange(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetInt64(1),
                reader.GetInt64(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return result;
    }

    /// <summary>Officer caps: bucket id -> cap, for buckets that have one (optionally only those starting with a prefix).</summary>
    public async Task<IReadOnlyDictionary<string, long?>> BucketsAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT bucket_id, cap FROM buckets WHERE starts_with(bucket_id, $1) ORDER BY bucket_id");
        command.Parameters.Add(new NpgsqlParameter { Value = prefix });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new Dictionary<string, long?>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        }

        return result;
    }

    /// <summary>Per bucket: (committed, pending) as the ledger sums them, for every bucket with a live reservation.</summary>
    public async Task<IReadOnlyDictionary<string, (long Committed, long Pending)>> TotalsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(LedgerStatements.Totals, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        return result;
    }

    /// <summary>
    /// What <see cref="QuotaEngine.CheckConsistencyAsync"/> compares Redis with: per bucket totals, officer caps and
    /// the number of pending reservations.
    /// </summary>
    public async Task<(IReadOnlyDictionary<string, (long Committed, long Pending)> Totals, IReadOnlyDictionary<string, long?> Caps, long PendingCount)> SnapshotAsync(
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var totals = await TotalsAsync(connection, null, cancellationToken);
        var caps = await BucketsAsync("", cancellationToken);
        await using var count = new NpgsqlCommand(LedgerStatements.PendingCount, connection);
        var pending = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        return (totals, caps, pending);
    }

    internal static async Task<long> ReadFenceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, bool share, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            share ? LedgerStatements.ReadFenceShared : LedgerStatements.ReadFenceExclusive,
            connection,
            transaction);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    internal static async Task<Dictionary<string, Reservation>> FindAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        IReadOnlyCollection<string> ids,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            LedgerStatements.SelectReservations + " WHERE r.reservation_id = ANY($1)",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new Dictionary<string, Reservation>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = ReadReservation(reader);
            result[row.Id] = row;
        }

        return result;
    }

    internal static Reservation ReadReservation(NpgsqlDataReader reader)
    {
        var buckets = reader.GetFieldValue<string[]>(8);
        var tpps = reader.GetFieldValue<long[]>(9);
        return new Reservation(
            reader.GetString(0),
            reader.GetGuid(1),
            (ReservationState)reader.GetInt16(2),
            (ReserveOutcome)reader.GetInt16(3),
            reader.GetString(4),
            reader.GetFieldValue<DateTimeOffset>(5),
            reader.GetInt64(6),
            [.. buckets.Zip(tpps, (b, t) => new Draw(b, t))],
            reader.GetFieldValue<DateTimeOffset>(7));
    }
}
