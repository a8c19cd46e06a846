using Diffusion.Quota.Reservations;
using Npgsql;
using StackExchange.Redis;

namespace Diffusion.Quota.Storage;

/// <summary>
/// Before the server answers: applies the ledger migrations, then makes Redis ready (verifying its epoch or
/// rebuilding it from the ledger). If Redis is not reachable yet, requests answer UNAVAILABLE and the sweeper keeps trying.
/// </summary>
internal sealed partial class QuotaStartup(NpgsqlDataSource dataSource, RecoveryCoordinator recovery, ILogger<QuotaStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await MigrationRunner.MigrateAsync(dataSource, cancellationToken);
        Log.Migrated(logger, applied);
        try
        {
            await recovery.EnsureReadyAsync(cancellationToken, wait: TimeSpan.FromMinutes(10));
        }
        catch (Exception e) when (e is QuotaException or RedisException)
        {
            Log.NotReadyAtStart(logger, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Ledger migrations applied: {Count}")]
        public static partial void Migrated(ILogger logger, int count);

        [LoggerMessage(2, LogLevel.Warning, "Quota state not ready at start ({Problem}); answering UNAVAILABLE until it is")]
        public static partial void NotReadyAtStart(ILogger logger, string problem);
    }
}
