using System.Text.Json;
using Diffusion.EndUsers.Screening.Matching;
using Npgsql;
using NpgsqlTypes;

namespace Diffusion.EndUsers.Screening;

/// <summary>A list as stored: its id, publication date and entries.</summary>
internal sealed record StoredList(long ListId, RestrictedPartyList List);

/// <summary>An officer's clearance of one list entry for one consignee.</summary>
internal sealed record ClearanceRecord(string ConsigneeId, string EntryId, string Officer, string Reason, DateTimeOffset ClearedAt);

/// <summary>An order's kept screening: its parties and the last result (the protobuf bytes of the Screening).</summary>
internal sealed record OrderScreeningRecord(string OrderId, IReadOnlyList<ScreenedPartyRecord> Parties, byte[] Result, bool Open);

/// <summary>A screened party as kept (with the consignee id clearances are keyed by).</summary>
internal sealed record ScreenedPartyRecord(string Role, string Id, string Name, string Address, string Country);

/// <summary>The screening tables of the <c>endusers</c> schema (PostgreSQL, the EndUsers ledger).</summary>
internal sealed class ScreeningStore(NpgsqlDataSource dataSource)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The newest list's id (by publication, then load order), or null when none is loaded.</summary>
    public async Task<long?> NewestListIdAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT list_id FROM endusers.screening_lists ORDER BY published_at DESC, list_id DESC LIMIT 1");
        return await command.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
    }

    /// <summary>A stored list.</summary>
    public async Task<StoredList> GetListAsync(long listId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT published_at, entries FROM endusers.screening_lists WHERE list_id = $1");
        command.Parameters.AddWithValue(listId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new KeyNotFoundException($"no screening list {listId}");
        }

        var entries = JsonSerializer.Deserialize<List<RestrictedParty>>(reader.GetString(1), Json) ?? [];
        return new StoredList(listId, new RestrictedPartyList(reader.GetFieldValue<DateTimeOffset>(0), entries));
    }

    /// <summary>Stores a list unless the same file (by SHA-256) is stored; returns its id and whether it was new.</summary>
    public async Task<(long ListId, bool Added)> AddListAsync(
        RestrictedPartyList list, string source, string loadedBy, string sha256, DateTimeOffset loadedAt, CancellationToken cancellationToken)
    {
        await using var insert = dataSource.CreateCommand("""
            INSERT INTO endusers.screening_lists (published_at, loaded_at, source, loaded_by, sha256, entry_count, entries)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256) DO NOTHING RETURNING list_id
            """);
        insert.Parameters.AddWithValue(list.PublishedAt);
        insert.Parameters.AddWithValue(loadedAt);
        insert.Parameters.AddWithValue(source);
        insert.Parameters.AddWithValue(loadedBy);
        insert.Parameters.AddWithValue(sha256);
        insert.Parameters.AddWithValue(list.Entries.Count);
        insert.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(list.Entries, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        if (await insert.ExecuteScalarAsync(cancellationToken) is long id)
        {
            return (id, true);
        }

        await using var existing = dataSource.CreateCommand("SELECT list_id FROM endusers.screening_lists WHERE sha256 = $1");
        existing.Parameters.AddWithValue(sha256);
        return ((long)(await existing.ExecuteScalarAsync(cancellationToken))!, false);
    }

    /// <summary>Records a clearance (append-only).</summary>
    public async Task AddClearanceAsync(ClearanceRecord clearance, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO endusers.screening_clearances (consignee_id, entry_id, officer, reason, cleared_at) VALUES ($1, $2, $3, $4, $5)");
        command.Parameters.AddWithValue(clearance.ConsigneeId);
        command.Parameters.AddWithValue(clearance.EntryId);
        command.Parameters.AddWithValue(clearance.Officer);
        command.Parameters.AddWithValue(clearance.Reason);
        command.Parameters.AddWithValue(clearance.ClearedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Clearances, newest first: of the given consignees, or of all when <paramref name="consigneeIds"/> is empty.</summary>
    public async Task<IReadOnlyList<ClearanceRecord>> ClearancesAsync(IReadOnlyCollection<string> consigneeIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT consignee_id, entry_id, officer, reason, cleared_at FROM endusers.screening_clearances
            WHERE cardinality($1::text[]) = 0 OR consignee_id = ANY($1) ORDER BY clearance_id DESC LIMIT 10000
            """);
        command.Parameters.AddWithValue(consigneeIds.ToArray());
        var result = new List<ClearanceRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new ClearanceRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return result;
    }

    /// <summary>Keeps (or replaces) an order's screening; a closed one stays closed.</summary>
    public async Task SaveScreeningAsync(string orderId, IReadOnlyList<ScreenedPartyRecord> parties, long listId, int verdict, byte[] result, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO endusers.order_screenings (order_id, parties, list_id, verdict, result, screened_at) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (order_id) DO UPDATE SET parties = EXCLUDED.parties, list_id = EXCLUDED.list_id, verdict = EXCLUDED.verdict,
                result = EXCLUDED.result, screened_at = EXCLUDED.screened_at
            """);
        command.Parameters.AddWithValue(orderId);
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(parties, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.AddWithValue(listId);
        command.Parameters.AddWithValue((short)verdict);
        command.Parameters.AddWithValue(result);
        command.Parameters.AddWithValue(at);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>An order's kept screening, or null.</summary>
    public async Task<OrderScreeningRecord?> GetScreeningAsync(string orderId, CancellationToken cancellationToken) =>
        (await ReadScreeningsAsync("WHERE order_id = $1", orderId, cancellationToken)).FirstOrDefault();

    /// <summary>Every open screening not yet made against <paramref name="listId"/>.</summary>
    public Task<List<OrderScreeningRecord>> OpenScreeningsBeforeAsync(long listId, CancellationToken cancellationToken) =>
        ReadScreeningsAsync("WHERE open AND list_id <> $1", listId, cancellationToken);

    /// <summary>Closes an order's screening; false when there is none.</summary>
    public async Task<bool> CloseAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE endusers.order_screenings SET open = false WHERE order_id = $1");
        command.Parameters.AddWithValue(orderId);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private async Task<List<OrderScreeningRecord>> ReadScreeningsAsync(string where, object parameter, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT order_id, parties, result, open FROM endusers.order_screenings {where}");
        command.Parameters.AddWithValue(parameter);
        var result = new List<OrderScreeningRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var parties = JsonSerializer.Deserialize<List<ScreenedPartyRecord>>(reader.GetString(1), Json) ?? [];
            result.Add(new OrderScreeningRecord(reader.GetString(0), parties, reader.GetFieldValue<byte[]>(2), reader.GetBoolean(3)));
        }

        return result;
    }
}
