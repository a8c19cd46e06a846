using System.Threading.Channels;
using Diffusion.Storage.Migrations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Diffusion.Storage.Audit;

/// <summary>Appends audit rows; a call completes only once its row is committed (durable) in PostgreSQL.</summary>
public interface IAuditTrail
{
    /// <summary>Appends <paramref name="record"/>; returns its row once committed.</summary>
    /// <exception cref="AuditUnavailableException">The row could not be written; it may or may not be in the trail.</exception>
    /// <exception cref="AuditQueueFullException">Too many rows wait already; this one was not taken and is not in the trail.</exception>
    Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken);
}

/// <summary>The audit trail could not be written (PostgreSQL down or refusing); the change it records must not be answered as done.</summary>
public sealed class AuditUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The writer's queue holds <see cref="Capacity"/> rows waiting for their commit already, so this one was refused at
/// once and is not in the trail: PostgreSQL is slower than the rows arrive, and the caller should back off and repeat.
/// </summary>
public sealed class AuditQueueFullException(int capacity)
    : Exception($"audit trail busy: {capacity} rows are waiting to be written already")
{
    /// <summary>The queue's bound (<c>Audit:QueueCapacity</c> in the services).</summary>
    public int Capacity { get; } = capacity;
}

/// <summary>
/// Group commit of audit rows, for a service whose audited changes are not transactions of its own database (Decisions:
/// a reservation lives in Quota). Appends queue here; one loop takes up to <c>maxBatch</c> of them at a time and writes
/// them in one transaction (one advisory lock, one head read, one round trip of inserts, one commit), in the order they
/// came. Each caller's task completes only after that commit, so an answer given after it is on record; under load a
/// batch holds what arrived during the previous commit. The <c>audit</c> schema is applied by the first batch (and
/// again after a failed one), so the service starts while PostgreSQL is down and its calls fail until it is back.
/// At most <c>queueCapacity</c> rows wait (besides the batch being written); one more is refused at once with
/// <see cref="AuditQueueFullException"/> rather than made to wait: a waiting caller would still hold its request (and,
/// in Decisions, a reservation already made), so waiting would only move the unbounded queue into the callers.
/// </summary>
public sealed partial class AuditWriter : IAuditTrail, IAsyncDisposable
{
    /// <summary>The default bound of the queue: a few seconds of PostgreSQL's group-commit rate, a few MB of rows.</summary>
    public const int DefaultQueueCapacity = 10_000;

    private readonly Channel<Pending> queue;
    private readonly CancellationTokenSource stopping = new();
    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger<AuditWriter> logger;
    private readonly int maxBatch;
    private readonly int queueCapacity;
    private readonly Task loop;
    private bool schemaApplied;
    private volatile bool stopped;

    /// <summary>Starts the writer loop over <paramref name="dataSource"/>.</summary>
    public AuditWriter(NpgsqlDataSource dataSource, ILogger<AuditWriter> logger, int maxBatch = 256, int queueCapacity = DefaultQueueCapacity)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        (this.dataSource, this.logger, this.maxBatch, this.queueCapacity) = (dataSource, logger, maxBatch, queueCapacity);
        queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(queueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        loop = Task.Run(RunAsync);
    }

    /// <inheritdoc/>
    public async Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var pending = new Pending(record, new TaskCompletionSource<AuditEntry>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending))
        {
            // TryWrite refuses when the queue is full (FullMode.Wait never drops) or completed.
            throw stopped
                ? new AuditUnavailableException("audit trail unavailable: the writer is stopped")
                : new AuditQueueFullException(queueCapacity);
        }

        // The caller may stop waiting; the row is still written (or not) with its batch.
        return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes what is queued (for at most 10 s), then stops; later appends fail.</summary>
    public async ValueTask DisposeAsync()
    {
        stopped = true;
        queue.Writer.TryComplete();
        stopping.CancelAfter(TimeSpan.FromSeconds(10));
        await loop.ConfigureAwait(false);
        stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(maxBatch);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < maxBatch && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                var entries = await WriteAsync(batch, stopping.Token).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(entries[i]);
                }
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or OperationCanceledException)
            {
                // A commit whose answer was lost may have landed: a caller that retries may then be on record twice,
                // never not at all.
                schemaApplied = false;
                Log.BatchFailed(logger, batch.Count, e);
                var failure = new AuditUnavailableException($"audit trail unavailable: {e.Message}", e);
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(failure);
                }
            }
        }
    }

    private async Task<IReadOnlyList<AuditEntry>> WriteAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        if (!schemaApplied)
        {
            await SchemaMigrator.ApplyAsync(dataSource, AuditLog.Migrations, logger, cancellationToken).ConfigureAwait(false);
            schemaApplied = true;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var entries = await AuditLog.AppendAsync(connection, transaction, [.. batch.Select(p => p.Record)], cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return entries;
    }

    private sealed record Pending(AuditRecord Record, TaskCompletionSource<AuditEntry> Completion);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Audit batch of {Count} rows not written; its callers are answered UNAVAILABLE")]
        public static partial void BatchFailed(ILogger logger, int count, Exception exception);
    }
}
