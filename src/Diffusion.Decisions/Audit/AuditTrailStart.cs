using Diffusion.Storage.Audit;

namespace Diffusion.Decisions.Audit;

/// <summary>
/// Creates the audit writer when the service starts, so a missing <c>ConnectionStrings:ledger</c> stops the service at
/// boot naming it, not at the first decision. PostgreSQL itself need not be up yet (the writer connects per batch).
/// </summary>
internal sealed class AuditTrailStart(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<IAuditTrail>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
