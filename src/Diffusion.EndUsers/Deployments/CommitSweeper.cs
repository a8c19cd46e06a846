using Diffusion.EndUsers.Quota;
using Microsoft.Extensions.Options;
using OpenTelemetry;

namespace Diffusion.EndUsers.Deployments;

/// <summary>
/// Commits, every <see cref="EndUsersOptions.CommitSweepInterval"/>, the Quota reservations of NVEU deployments that
/// were recorded while Commit failed (Quota down between recording and committing). Commit is idempotent, so a
/// sweep racing a retry of the same deployment is harmless.
/// </summary>
internal sealed partial class CommitSweeper(
    IServiceProvider services, IOptions<EndUsersOptions> options, TimeProvider time, ILogger<CommitSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CommitSweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // A periodic poll of the ledger: traced, it would bury the dashboard's traces of real requests.
            // What it commits is logged instead.
            using var untraced = SuppressInstrumentationScope.Begin();
            try
            {
                var coordinator = services.GetRequiredService<DeploymentCoordinator>();
                var committed = await coordinator.CommitPendingAsync(stoppingToken);
                if (committed > 0)
                {
                    Log.Committed(logger, committed);
                }
            }
            catch (Exception e) when (e is QuotaUnavailableException or Npgsql.NpgsqlException)
            {
                Log.SweepFailed(logger, e.Message);
            }
            catch (global::Grpc.Core.RpcException) when (stoppingToken.IsCancellationRequested)
            {
                // The host is stopping and the call in flight was cancelled with it; the next start sweeps again.
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Committed {Count} deferred NVEU reservations")]
        public static partial void Committed(ILogger logger, int count);

        [LoggerMessage(2, LogLevel.Warning, "Commit sweep failed, retrying next interval: {Error}")]
        public static partial void SweepFailed(ILogger logger, string error);
    }
}
