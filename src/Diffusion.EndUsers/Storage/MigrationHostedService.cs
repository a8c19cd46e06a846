namespace Diffusion.EndUsers.Storage;

/// <summary>Applies the schema migrations when the host starts, before it serves requests.</summary>
internal sealed class MigrationHostedService(MigrationRunner runner) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => runner.ApplyAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
