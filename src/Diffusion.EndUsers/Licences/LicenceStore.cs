using Diffusion.EndUsers.Storage;
using Diffusion.Rules.Decisions;
using Npgsql;

namespace Diffusion.EndUsers.Licences;

/// <summary>A granted export licence as an officer recorded it.</summary>
internal sealed record LicenceRecord(
    string Number,
    string Exporter,
    string ConsigneeId,
    string ConsigneeName,
    string DestinationCountry,
    IReadOnlyList<string> Eccns,
    IReadOnlyList<string> Items,
    LicenceUnit Unit,
    long Quantity,
    long ValueUsd,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    IReadOnlyList<string> Conditions,
    string RecordedBy,
    DateTimeOffset RecordedAt)
{
    /// <summary>
    /// The country allocation bucket its TPP was drawn from when it was recorded (granted), or "" when the rule set
    /// does not count it there.
    /// </summary>
    public string AllocationBucketId { get; init; } = "";

    /// <summary>The same licence, whoever recorded it and when (a retried RecordLicence).</summary>
    public bool SameTerms(LicenceRecord other) =>
        (Number, Exporter, ConsigneeId, ConsigneeName, DestinationCountry, Unit, Quantity, ValueUsd, ValidFrom, ValidUntil)
            == (other.Number, other.Exporter, other.ConsigneeId, other.ConsigneeName, other.DestinationCountry, other.Unit, other.Quantity, other.ValueUsd, other.ValidFrom, other.ValidUntil)
        && Eccns.SequenceEqual(other.Eccns, StringComparer.Ordinal)
        && Items.SequenceEqual(other.Items, StringComparer.Ordinal)
        && Conditions.SequenceEqual(other.Conditions, StringComparer.Ordinal);
}

/// <summary>The <c>endusers.licences</c> table (PostgreSQL, the EndUsers ledger). Rows are never changed.</summary>
internal sealed class LicenceStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "number, exporter, consignee_id, consignee_name, destination_country, eccns, items, quantity_unit, quantity, value_usd, valid_from, valid_until, conditions, recorded_by, recorded_at, allocation_bucket_id";

    /// <summary>Records <paramref name="licence"/>; a retry of the same terms answers the stored row.</summary>
    public async Task<LicenceRecord> RecordAsync(LicenceRecord licence, CancellationToken cancellationToken)
    {
        await using var insert = dataSource.CreateCommand($"INSERT INTO endusers.licences ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT (number) DO NOTHING");
        foreach (var value in new object[]
        {
            licence.Number, licence.Exporter, licence.ConsigneeId, licence.ConsigneeName, licence.DestinationCountry, licence.Eccns.ToArray(),
            licence.Items.ToArray(), (short)licence.Unit, licence.Quantity, licence.ValueUsd, licence.ValidFrom, licence.ValidUntil,
            licence.Conditions.ToArray(), licence.RecordedBy, licence.RecordedAt, licence.AllocationBucketId,
        })
        {
            insert.Parameters.AddWithValue(value);
        }

        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            return licence;
        }

        var stored = await GetAsync(licence.Number, cancellationToken) ?? throw new InvalidOperationException($"licence {licence.Number} vanished");
        return SameTermsOrConflict(stored, licence);
    }

    /// <summary>
    /// <paramref name="stored"/> when <paramref name="licence"/> repeats its terms (a retry); else ALREADY_EXISTS naming
    /// licence.number, because a recorded licence is never changed.
    /// </summary>
    public static LicenceRecord SameTermsOrConflict(LicenceRecord stored, LicenceRecord licence) =>
        stored.SameTerms(licence)
            ? stored
            : throw new IdempotencyConflictException("licence.number", $"licence {licence.Number} is already recorded with other terms (recorded by {stored.RecordedBy} at {stored.RecordedAt:u}); a licence is never changed");

    /// <summary>One licence, or null.</summary>
    public async Task<LicenceRecord?> GetAsync(string number, CancellationToken cancellationToken) =>
        (await ReadAsync("WHERE number = $1", [number], cancellationToken)).FirstOrDefault();

    /// <summary>Licences, newest recorded first; empty filters match all.</summary>
    public Task<List<LicenceRecord>> ListAsync(string consigneeId, string destination, string exporter, CancellationToken cancellationToken) =>
        ReadAsync(
            "WHERE ($1 = '' OR consignee_id = $1) AND ($2 = '' OR destination_country = $2) AND ($3 = '' OR exporter = $3) ORDER BY recorded_at DESC, number LIMIT 10000",
            [consigneeId, destination, exporter],
            cancellationToken);

    /// <summary>
    /// The licences that bear on an order: every licence of the consignee, and every licence of the exporter for the
    /// destination; soonest to expire first, at most <paramref name="limit"/>.
    /// </summary>
    public Task<List<LicenceRecord>> FindAsync(string exporter, string consigneeId, string destination, int limit, CancellationToken cancellationToken) =>
        ReadAsync(
            "WHERE consignee_id = $1 OR (destination_country = $2 AND lower(exporter) = lower($3)) ORDER BY valid_until, number LIMIT $4",
            [consigneeId, destination, exporter, limit],
            cancellationToken);

    private async Task<List<LicenceRecord>> ReadAsync(string where, object[] parameters, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM endusers.licences {where}");
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        var result = new List<LicenceRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new LicenceRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetFieldValue<string[]>(5), reader.GetFieldValue<string[]>(6), (LicenceUnit)reader.GetInt16(7), reader.GetInt64(8), reader.GetInt64(9),
                reader.GetFieldValue<DateTimeOffset>(10), reader.GetFieldValue<DateTimeOffset>(11), reader.GetFieldValue<string[]>(12), reader.GetString(13),
                reader.GetFieldValue<DateTimeOffset>(14))
            {
                AllocationBucketId = reader.GetString(15),
            });
        }

        return result;
    }
}
