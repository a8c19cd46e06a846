using Diffusion.EndUsers.Storage;
using Diffusion.Storage.Audit;
using Diffusion.Testing.Postgres;
using Npgsql;

namespace Diffusion.EndUsers.Tests.Storage;

[Collection(PostgresCollection.Name)]
public sealed class MigrationTests(PostgresFixture postgres)
{
    /// <summary>
    /// A database migrated before the shared runner journaled '001_veus_deployments_attrition' in
    /// endusers.schema_migrations: the runner carries that over instead of running 0001 again (which fails: the
    /// tables exist).
    /// </summary>
    [Fact]
    public async Task Migrate_DatabaseWithTheOldJournal_CarriesItOverAndAppliesNothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await using (var old = dataSource.CreateCommand($"""
            CREATE SCHEMA endusers;
            CREATE TABLE endusers.schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            {MigrationRunner.Migrations.Migrations[0].Sql}
            INSERT INTO endusers.schema_migrations (version) VALUES ('001_veus_deployments_attrition');
            """))
        {
            await old.ExecuteNonQueryAsync();
        }

        // Of the endusers schema only the migrations after the carried-over first one; and the audit trail's schema,
        // which that old database never had.
        var endUsers = MigrationRunner.Migrations.Migrations;
        Assert.Equal(AuditLog.Migrations.Migrations.Count + endUsers.Count - 1, await MigrationRunner.MigrateAsync(dataSource, CancellationToken.None));

        await using var journal = dataSource.CreateCommand(
            "SELECT string_agg(version || ' ' || name, ',' ORDER BY version), to_regclass('endusers.schema_migrations') IS NULL FROM endusers.schema_version");
        await using var reader = await journal.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.StartsWith("1 veus_deployments_attrition", reader.GetString(0), StringComparison.Ordinal);
        Assert.Equal((string.Join(',', endUsers.Select(m => $"{m.Version} {m.Name}")), true), (reader.GetString(0), reader.GetBoolean(1)));
    }
}
