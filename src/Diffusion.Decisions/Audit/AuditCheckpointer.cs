using System.Security.Cryptography;
using Diffusion.Storage.Audit;
using Diffusion.Storage.Migrations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Diffusion.Decisions.Audit;

/// <summary>
/// Signs the audit trail's head every <see cref="AuditOptions.CheckpointInterval"/> with the checkpoint key (which the
/// database does not hold) and stores the checkpoint. Afterwards, rows up to it cannot be rewritten, deleted from the
/// end or the chain rebuilt from scratch without <c>diffusion audit verify --public-key</c> noticing: whoever can write
/// to PostgreSQL can recompute hashes, not this signature. Several replicas may sign the same head; it is stored once.
/// A failed round (PostgreSQL down) is logged and the next tick tries again.
/// </summary>
internal sealed partial class AuditCheckpointer(NpgsqlDataSource dataSource, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditCheckpointer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.CheckpointKey))
        {
            Log.NoKey(logger);
            return;
        }

        using var key = AuditKeys.Import(options.Value.CheckpointKey);
        var keyId = AuditKeys.KeyId(key);
        var schemaApplied = false;
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                if (!schemaApplied)
                {
                    await SchemaMigrator.ApplyAsync(dataSource, AuditLog.Migrations, logger, stoppingToken).ConfigureAwait(false);
                    schemaApplied = true;
                }

                if (await AuditLog.CheckpointAsync(dataSource, key, keyId, time, stoppingToken).ConfigureAwait(false) is { } made)
                {
                    Log.Signed(logger, made.Seq, keyId);
                }
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                Log.Failed(logger, e);
            }
        }
    }

    /// <summary>Whether <paramref name="text"/> is empty or a P-256 private key (checked at start).</summary>
    public static bool IsKeyOrEmpty(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        try
        {
            using var key = AuditKeys.Import(text);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Audit trail checkpointed at row {Seq} with key {KeyId}")]
        public static partial void Signed(ILogger logger, long seq, string keyId);

        [LoggerMessage(2, LogLevel.Warning, "Audit checkpoint not made this round; the next tries again")]
        public static partial void Failed(ILogger logger, Exception exception);

        [LoggerMessage(3, LogLevel.Information, "No Audit:CheckpointKey: this service signs no audit checkpoints")]
        public static partial void NoKey(ILogger logger);
    }
}
