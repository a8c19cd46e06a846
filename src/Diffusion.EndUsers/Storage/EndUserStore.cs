using System.Text.Json;
using Diffusion.Rules.EndUsers;
using Diffusion.Rules.EndUsers.Deployment;
using Diffusion.Storage.Audit;
using Npgsql;

namespace Diffusion.EndUsers.Storage;

/// <summary>
/// The VEU registry and installed bases in PostgreSQL (schema <c>endusers</c>). Every change to one VEU's installed
/// base runs in a transaction that first locks that VEU's row (<c>SELECT ... FOR UPDATE</c>): concurrent deployments
/// and attrition events of one VEU are serialised, so each deployment is evaluated on the base as it really is when
/// it is inserted, and no two deployments can together break a limit that each alone keeps.
/// </summary>
internal sealed class EndUserStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string UniqueViolation = "23505";

    private const string VeuColumns =
        "id, kind, name, headquarters_country, parent_headquarters_country, authorized_countries, status, valid_from, valid_to";

    /// <summary>
    /// Inserts a VEU and its audit row (by <paramref name="actor"/>) in one transaction. A retry with identical data
    /// returns the stored VEU (audited once); different data under the same id conflicts.
    /// </summary>
    public async Task<Veu> RegisterAsync(Veu veu, string ruleSet, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(veu);
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = new NpgsqlCommand(
            $"""
            INSERT INTO endusers.veus ({VeuColumns}, rule_set, registered_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
            ON CONFLICT (id) DO NOTHING
            """,
            connection,
            transaction);
        AddParameters(insert, veu.Id, (short)veu.Kind, veu.Name, veu.HeadquartersCountry, veu.ParentHeadquartersCountry,
            veu.AuthorizedCountries.ToArray(), (short)veu.Status, veu.ValidFrom, (object?)veu.ValidTo ?? DBNull.Value, ruleSet, now);
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            var details = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["kind"] = veu.Kind.ToString(), ["name"] = veu.Name, ["headquarters_country"] = veu.HeadquartersCountry,
                ["authorized_countries"] = veu.AuthorizedCountries.ToArray(), ["status"] = veu.Status.ToString(), ["rule_set"] = ruleSet,
            });
            await AuditLog.AppendAsync(connection, transaction, new AuditRecord(now, actor, AuditKinds.VeuRegistered, veu.Id, details), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return veu;
        }

        await transaction.CommitAsync(cancellationToken);

        var existing = await GetAsync(connection, null, veu.Id, forUpdate: false, cancellationToken)
            ?? throw new InvalidOperationException($"VEU {veu.Id} vanished during registration");
        return existing.Equals(veu)
            ? existing
            : throw new IdempotencyConflictException("veu.id", $"VEU {veu.Id} is already registered with different data");
    }

    /// <summary>The VEU, or null.</summary>
    public async Task<Veu?> GetAsync(string veuId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await GetAsync(connection, null, veuId, forUpdate: false, cancellationToken);
    }

    /// <summary>Every VEU, ordered by id.</summary>
    public async Task<IReadOnlyList<Veu>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {VeuColumns} FROM endusers.veus ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var veus = new List<Veu>();
        while (await reader.ReadAsync(cancellationToken))
        {
            veus.Add(ReadVeu(reader));
        }

        return veus;
    }

    /// <summary>Changes a VEU's status and records who (<paramref name="actor"/>) asked why, in the audit trail too; null when the VEU is unknown.</summary>
    public async Task<Veu?> SetStatusAsync(string veuId, VeuStatus status, string reason, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var veu = await GetAsync(connection, transaction, veuId, forUpdate: true, cancellationToken);
        if (veu is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        await using (var update = new NpgsqlCommand(
            """
            UPDATE endusers.veus SET status = $2, updated_at = $3 WHERE id = $1;
            """,
            connection,
            transaction))
        {
            AddParameters(update, veuId, (short)status, now);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var audit = new NpgsqlCommand(
            "INSERT INTO endusers.veu_status_changes (veu_id, from_status, to_status, reason, changed_at) VALUES ($1, $2, $3, $4, $5)",
            connection,
            transaction))
        {
            AddParameters(audit, veuId, (short)veu.Status, (short)status, reason, now);
            await audit.ExecuteNonQueryAsync(cancellationToken);
        }

        var details = JsonSerializer.Serialize(new Dictionary<string, object?> { ["from"] = veu.Status.ToString(), ["to"] = status.ToString(), ["reason"] = reason });
        await AuditLog.AppendAsync(connection, transaction, new AuditRecord(now, actor, AuditKinds.VeuStatusSet, veuId, details), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return veu with { Status = status };
    }

    /// <summary>The VEU's installed base by country.</summary>
    public async Task<InstalledBase> GetInstalledBaseAsync(string veuId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadInstalledBaseAsync(connection, null, veuId, cancellationToken);
    }

    /// <summary>
    /// Records a deployment if <paramref name="evaluate"/>, run on the VEU and its installed base while the VEU's row
    /// is locked, allows it. A retry of a recorded deployment changes nothing. Throws
    /// <see cref="KeyNotFoundException"/> for an unknown VEU, <see cref="IdempotencyConflictException"/> when the
    /// deployment id was used for a different deployment.
    /// </summary>
    public async Task<RecordResult> RecordDeploymentAsync(
        DeploymentRecord deployment, Func<Veu, InstalledBase, DeploymentVerdict> evaluate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(evaluate);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var veu = await GetAsync(connection, transaction, deployment.VeuId, forUpdate: true, cancellationToken)
            ?? throw new KeyNotFoundException($"VEU {deployment.VeuId} is not registered");

        var (existing, committed) = await FindDeploymentAsync(connection, transaction, deployment.DeploymentId, cancellationToken);
        if (existing is not null)
        {
            if (!existing.SameAs(deployment))
            {
                throw new IdempotencyConflictException("deployment_id", $"deployment {deployment.DeploymentId} was recorded with different data");
            }

            var current = await ReadInstalledBaseAsync(connection, transaction, veu.Id, cancellationToken);
            return new RecordResult(RecordOutcome.AlreadyRecorded, null, current, existing, committed);
        }

        var before = await ReadInstalledBaseAsync(connection, transaction, veu.Id, cancellationToken);
        var verdict = evaluate(veu, before);
        if (!verdict.Allowed)
        {
            return new RecordResult(RecordOutcome.Refused, verdict, before, null, false);
        }

        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO endusers.deployments (deployment_id, veu_id, country, tpp, as_of, rule_set, reservation_id, recorded_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            connection,
            transaction))
        {
            AddParameters(insert, deployment.DeploymentId, veu.Id, deployment.Country, deployment.Tpp, deployment.AsOf,
                deployment.RuleSet, (object?)deployment.ReservationId ?? DBNull.Value, time.GetUtcNow());
            try
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == UniqueViolation)
            {
                // The same id under another VEU (whose row lock we do not hold).
                throw new IdempotencyConflictException("deployment_id", $"deployment {deployment.DeploymentId} was recorded for another VEU");
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new RecordResult(RecordOutcome.Recorded, verdict, before.WithDeployment(deployment.Country, deployment.Tpp), null, false);
    }

    /// <summary>The deployment recorded under <paramref name="deploymentId"/>, or null.</summary>
    public async Task<DeploymentRecord?> FindDeploymentAsync(string deploymentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        return (await FindDeploymentAsync(connection, transaction, deploymentId, cancellationToken)).Deployment;
    }

    /// <summary>Marks a deployment's Quota reservation as committed.</summary>
    public async Task MarkQuotaCommittedAsync(string deploymentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var update = new NpgsqlCommand(
            "UPDATE endusers.deployments SET quota_committed = true WHERE deployment_id = $1", connection);
        AddParameters(update, deploymentId);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deployments whose Quota reservation is not yet known to be committed, oldest first.</summary>
    public async Task<IReadOnlyList<DeploymentRecord>> ListUncommittedAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT {DeploymentColumns} FROM endusers.deployments
            WHERE reservation_id IS NOT NULL AND NOT quota_committed ORDER BY recorded_at LIMIT $1
            """,
            connection);
        AddParameters(command, limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<DeploymentRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(ReadDeployment(reader));
        }

        return found;
    }

    /// <summary>
    /// Records attrition: the installed base in the country falls; cumulative deployments (what an NVEU allocation
    /// counts) do not. A retry changes nothing. Throws <see cref="KeyNotFoundException"/> for an unknown VEU,
    /// <see cref="PreconditionFailedException"/> when more would leave than is installed there.
    /// </summary>
    public async Task<InstalledBase> RecordAttritionAsync(AttritionRecord attrition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attrition);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        _ = await GetAsync(connection, transaction, attrition.VeuId, forUpdate: true, cancellationToken)
            ?? throw new KeyNotFoundException($"VEU {attrition.VeuId} is not registered");

        var before = await ReadInstalledBaseAsync(connection, transaction, attrition.VeuId, cancellationToken);
        var existing = await FindAttritionAsync(connection, transaction, attrition.EventId, cancellationToken);
        if (existing is not null)
        {
            return existing.SameAs(attrition)
                ? before
                : throw new IdempotencyConflictException("event_id", $"attrition event {attrition.EventId} was recorded with different data");
        }

        var installed = before.For(attrition.Country).InstalledTpp;
        if (attrition.Tpp > installed)
        {
            throw new PreconditionFailedException(
                "tpp", $"{attrition.Tpp} TPP cannot leave {attrition.Country}: {installed} TPP is installed there");
        }

        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO endusers.attrition_events (event_id, veu_id, country, tpp, kind, note, as_of, recorded_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            connection,
            transaction))
        {
            AddParameters(insert, attrition.EventId, attrition.VeuId, attrition.Country, attrition.Tpp, (short)attrition.Kind,
                attrition.Note, attrition.AsOf, time.GetUtcNow());
            try
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == UniqueViolation)
            {
                throw new IdempotencyConflictException("event_id", $"attrition event {attrition.EventId} was recorded for another VEU");
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return before.WithAttrition(attrition.Country, attrition.Tpp);
    }

    private const string DeploymentColumns = "deployment_id, veu_id, country, tpp, as_of, rule_set, reservation_id";

    private static async Task<Veu?> GetAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string veuId, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {VeuColumns} FROM endusers.veus WHERE id = $1{(forUpdate ? " FOR UPDATE" : "")}", connection, transaction);
        AddParameters(command, veuId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadVeu(reader) : null;
    }

    private static async Task<(DeploymentRecord? Deployment, bool QuotaCommitted)> FindDeploymentAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string deploymentId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {DeploymentColumns}, quota_committed FROM endusers.deployments WHERE deployment_id = $1", connection, transaction);
        AddParameters(command, deploymentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (ReadDeployment(reader), reader.GetBoolean(7)) : (null, false);
    }

    private static async Task<AttritionRecord?> FindAttritionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string eventId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT event_id, veu_id, country, tpp, kind, note, as_of FROM endusers.attrition_events WHERE event_id = $1",
            connection,
            transaction);
        AddParameters(command, eventId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new AttritionRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3),
                (AttritionKind)reader.GetInt16(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6))
            : null;
    }

    private static async Task<InstalledBase> ReadInstalledBaseAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string veuId, CancellationToken cancellationToken)
    {
        // Sums are numeric in PostgreSQL; a sum beyond bigint fails the cast rather than wrapping.
        await using var command = new NpgsqlCommand(
            """
            SELECT country, sum(deployed)::bigint, sum(attrition)::bigint FROM (
                SELECT country, tpp AS deployed, 0::bigint AS attrition FROM endusers.deployments WHERE veu_id = $1
                UNION ALL
                SELECT country, 0::bigint, tpp FROM endusers.attrition_events WHERE veu_id = $1
            ) AS events
            GROUP BY country
            """,
            connection,
            transaction);
        AddParameters(command, veuId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var countries = new List<CountryInstalledBase>();
        while (await reader.ReadAsync(cancellationToken))
        {
            countries.Add(new CountryInstalledBase(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return new InstalledBase(veuId, countries);
    }

    private static Veu ReadVeu(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        (VeuKind)reader.GetInt16(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetFieldValue<string[]>(5),
        (VeuStatus)reader.GetInt16(6),
        reader.GetFieldValue<DateTimeOffset>(7),
        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8));

    private static DeploymentRecord ReadDeployment(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetInt64(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6));

    private static void AddParameters(NpgsqlCommand command, params object[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
    }
}
