using Npgsql;

namespace Diffusion.EndUsers.Storage;

/// <summary>Applies the schema migrations when the host starts, before it serves requests.</summary>
internal sealed class MigrationHostedService(NpgsqlDataSource dataSource, ILogger<MigrationHostedService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => MigrationRunner.MigrateAsync(dataSource, cancellationToken, logger);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
