using Diffusion.Storage.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Diffusion.Quota.Storage;

/// <summary>
/// The ledger's migrations: the files of Storage/Migrations (<c>NNNN_name.sql</c>), schema <c>public</c>, journal
/// <c>public.schema_version</c>, applied by the shared <see cref="SchemaMigrator"/>.
/// </summary>
internal static class MigrationRunner
{
    /// <summary>The embedded ledger migrations.</summary>
    public static MigrationSet Migrations { get; } =
        MigrationSet.FromEmbeddedResources("public", typeof(MigrationRunner).Assembly, "Diffusion.Quota.Storage.Migrations.");

    /// <summary>Applies what the ledger and the audit trail (schema <c>audit</c>) lack; returns how many migrations were applied.</summary>
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken, ILogger? logger = null) =>
        await SchemaMigrator.ApplyAsync(dataSource, Migrations, logger ?? NullLogger.Instance, cancellationToken)
        + await SchemaMigrator.ApplyAsync(dataSource, Diffusion.Storage.Audit.AuditLog.Migrations, logger ?? NullLogger.Instance, cancellationToken);
}
