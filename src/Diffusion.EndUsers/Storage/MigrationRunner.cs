using Diffusion.Storage.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Diffusion.EndUsers.Storage;

/// <summary>
/// The <c>endusers</c> schema's migrations: the files of Storage/Migrations (<c>NNNN_name.sql</c>), journal
/// <c>endusers.schema_version</c>, applied by the shared <see cref="SchemaMigrator"/>.
/// </summary>
internal static class MigrationRunner
{
    // Before the shared runner, this service journaled file names ('001_veus_deployments_attrition') in
    // endusers.schema_migrations; a database from then keeps its history in the shared journal's shape.
    private const string CarryOverOldJournal = """
        DO $$
        BEGIN
            IF to_regclass('endusers.schema_migrations') IS NOT NULL THEN
                INSERT INTO endusers.schema_version (version, name, applied_at)
                SELECT split_part(version, '_', 1)::integer, substr(version, strpos(version, '_') + 1), applied_at
                FROM endusers.schema_migrations
                ON CONFLICT (version) DO NOTHING;
                DROP TABLE endusers.schema_migrations;
            END IF;
        END $$;
        """;

    /// <summary>The embedded migrations of the <c>endusers</c> schema.</summary>
    public static MigrationSet Migrations { get; } =
        MigrationSet.FromEmbeddedResources("endusers", typeof(MigrationRunner).Assembly, "Diffusion.EndUsers.Storage.Migrations.", CarryOverOldJournal);

    /// <summary>Applies what the schema and the audit trail (schema <c>audit</c>) lack; returns how many migrations were applied.</summary>
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken, ILogger? logger = null) =>
        await SchemaMigrator.ApplyAsync(dataSource, Migrations, logger ?? NullLogger.Instance, cancellationToken)
        + await SchemaMigrator.ApplyAsync(dataSource, Diffusion.Storage.Audit.AuditLog.Migrations, logger ?? NullLogger.Instance, cancellationToken);
}
