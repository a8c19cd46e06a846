using System.Diagnostics;
using System.Threading.Channels;
using Diffusion.Quota.Reservations;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;

namespace Diffusion.Quota.Storage;

/// <summary>
/// Group commit for the hot path: Reserve inserts and Commit/Release transitions queue here, and one writer loop
/// per replica (<see cref="QuotaOptions.LedgerWriters"/>) drains up to <see cref="QuotaOptions.LedgerBatchSize"/>
/// of them into one transaction. A caller's task completes only after that transaction committed, so an answer
/// built on it is durable (DESIGN.md invariant 2). Under load a batch holds as many operations as arrived during the
/// previous commit, so one fsync serves many reservations.
/// </summary>
internal sealed partial class LedgerWriter(NpgsqlDataSource dataSource, IOptions<QuotaOptions> options, ILogger<LedgerWriter> logger)
    : BackgroundService
{
    /// <summary>Source of the "ledger write" span that parents a batch's PostgreSQL spans.</summary>
    private static readonly ActivitySource Tracing = new("Diffusion.Quota.Ledger");

    private readonly Channel<Operation> queue = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = false });

    /// <summary>
    /// Records a reservation (any state) unless the ledger already has its id. Returns the ledger's row for the id:
    /// this one, or the one recorded first (compare tokens). Throws <see cref="StaleEpochException"/> when the
    /// reservation's epoch is not the ledger's fence; then nothing was written.
    /// </summary>
    public Task<Reservation> InsertAsync(Reservation reservation, CancellationToken cancellationToken) =>
        EnqueueAsync<Reservation>(new Insert(reservation), cancellationToken);

    /// <summary>
    /// Moves a pending reservation to <paramref name="target"/> (committed or released). A commit at or after the
    /// expiry expires it instead. Returns the ledger's row after the change, or null if the id is unknown.
    /// </summary>
    public Task<Reservation?> TransitionAsync(string reservationId, ReservationState target, DateTimeOffset now, CancellationToken cancellationToken) =>
        EnqueueAsync<Reservation?>(new Transition(reservationId, target, now), cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.LedgerWriters).Select(_ => RunAsync(stoppingToken)));

    private async Task<T> EnqueueAsync<T>(Operation operation, CancellationToken cancellationToken)
    {
        if (!queue.Writer.TryWrite(operation))
        {
            throw new QuotaException(QuotaErrorKind.Unavailable, "the ledger writer is stopped");
        }

        // The caller may stop waiting; the write itself still happens or fails as a whole.
        return (T)(await operation.Completion.Task.WaitAsync(cancellationToken))!;
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Operation>(options.Value.LedgerBatchSize);
        while (await queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < options.Value.LedgerBatchSize && queue.Reader.TryRead(out var operation))
            {
                batch.Add(operation);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            using var span = StartBatchSpan(batch);
            using var untraced = span is null ? SuppressInstrumentationScope.Begin() : null;
            await WriteIsolatingAsync(batch, stoppingToken);
        }
    }

    /// <summary>
    /// Writes a batch; when PostgreSQL refuses a row (the row's fault, not the connection's), the batch is halved and
    /// each half written on its own, down to the one operation at fault, which alone gets the error. Every other
    /// caller gets the answer to its own request.
    /// </summary>
    private async Task WriteIsolatingAsync(List<Operation> batch, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteAsync(batch, stoppingToken);
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < 3)
            {
                Log.BatchRetried(logger, batch.Count, e.SqlState);
            }
            catch (PostgresException e) when (IsRowFault(e))
            {
                if (batch.Count == 1)
                {
                    Log.RowRefused(logger, e, e.SqlState);
                    batch[0].Completion.TrySetException(RowRefused(e));
                    return;
                }

                Log.BatchSplit(logger, batch.Count, e.SqlState);
                var half = batch.Count / 2;
                await WriteIsolatingAsync(batch[..half], stoppingToken);
                await WriteIsolatingAsync(batch[half..], stoppingToken);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or OperationCanceledException)
            {
                // The outcome of a failed COMMIT may be unknown: callers treat this as "maybe written"
                // (see QuotaEngine) and answer UNAVAILABLE.
                Log.BatchFailed(logger, e, batch.Count);
                foreach (var operation in batch)
                {
                    operation.Completion.TrySetException(new QuotaException(QuotaErrorKind.Unavailable, "ledger unavailable: " + e.Message, e));
                }

                return;
            }
        }
    }

    /// <summary>
    /// Whether PostgreSQL refused what a statement carries rather than failing as a server: connection trouble (08),
    /// transaction rollback such as serialization failures (40), resources (53), operator intervention (57), system
    /// (58) and internal (XX) errors are the server's; any other class (22 data exception, 23 constraint ...) is the
    /// fault of a row, which a retry of that row can never fix. Only a refused statement is certain to have committed
    /// nothing, so only it is isolated.
    /// </summary>
    private static bool IsRowFault(PostgresException e) =>
        e.SqlState.Length == 5 && e.SqlState[..2] is not ("08" or "40" or "53" or "57" or "58" or "XX");

    private static QuotaException RowRefused(PostgresException e) => e.SqlState.StartsWith("22", StringComparison.Ordinal)
        ? new QuotaException(QuotaErrorKind.InvalidArgument, $"the ledger refused a value of this request ({e.SqlState}: {Truncate(e.MessageText)})", e)
        : new QuotaException(QuotaErrorKind.FailedPrecondition, $"the ledger refused this request ({e.SqlState}: {Truncate(e.MessageText)})", e);

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200];

    /// <summary>
    /// The batch's PostgreSQL work belongs to the requests it serves, but runs on the writer loop, where no request's
    /// trace flows. So one "ledger write" span continues the first traced caller's trace (a Reserve's trace then shows
    /// its durable write) and links every other caller's. A batch of untraced callers only (the expiry sweeper) gets no
    /// span, and its PostgreSQL calls none either.
    /// </summary>
    private static Activity? StartBatchSpan(List<Operation> batch)
    {
        var callers = batch.Where(o => o.Caller is not null).Select(o => o.Caller!.Value).ToList();
        if (callers.Count == 0)
        {
            return null;
        }

        var span = Tracing.StartActivity("ledger write", ActivityKind.Internal, callers[0], links: [.. callers.Skip(1).Select(c => new ActivityLink(c))]);
        span?.SetTag("diffusion.ledger.batch_size", batch.Count);
        return span;
    }

    /// <summary>
    /// One transaction, two round trips: a batch of statements (fence read under a shared lock, the inserts whose
    /// epoch equals the fence, the transitions, then the resulting rows), then COMMIT.
    /// </summary>
    private async Task WriteAsync(List<Operation> batch, CancellationToken cancellationToken)
    {
        var inserts = batch.OfType<Insert>().ToList();
        var transitions = batch.OfType<Transition>().ToList();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var commands = new NpgsqlBatch(connection, transaction);
        commands.BatchCommands.Add(new NpgsqlBatchCommand("SELECT epoch FROM fence WHERE id = 1 FOR SHARE"));
        if (inserts.Count > 0)
        {
            commands.BatchCommands.Add(InsertCommand(inserts));
        }

        if (transitions.Count > 0)
        {
            var update = new NpgsqlBatchCommand("""
                UPDATE reservations r
                SET state = CASE WHEN t.target = 2 AND r.expires_at <= t.now THEN 4 ELSE t.target END, updated_at = t.now
                FROM (SELECT DISTINCT ON (id) id, target, now FROM unnest($1::text[], $2::smallint[], $3::timestamptz[]) AS u(id, target, now) ORDER BY id) t
                WHERE r.reservation_id = t.id AND r.state = 1
                """);
            update.Parameters.Add(new NpgsqlParameter { Value = transitions.Select(t => t.Id).ToArray() });
            update.Parameters.Add(new NpgsqlParameter { Value = transitions.Select(t => (short)t.Target).ToArray() });
            update.Parameters.Add(new NpgsqlParameter { Value = transitions.Select(t => t.Now.UtcDateTime).ToArray() });
            commands.BatchCommands.Add(update);
        }

        // The ledger's row for every id after the changes: this batch's insert, an earlier attempt's, or a transition's result.
        var select = new NpgsqlBatchCommand(Ledger.SelectReservations + " WHERE r.reservation_id = ANY($1) GROUP BY r.reservation_id");
        select.Parameters.Add(new NpgsqlParameter { Value = inserts.Select(i => i.Row.Id).Concat(transitions.Select(t => t.Id)).Distinct().ToArray() });
        commands.BatchCommands.Add(select);

        long fence;
        var rows = new Dictionary<string, Reservation>(StringComparer.Ordinal);
        await using (var reader = await commands.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            fence = reader.GetInt64(0);
            while (await reader.NextResultAsync(cancellationToken))
            {
                if (reader.FieldCount < 10)
                {
                    continue;
                }

                while (await reader.ReadAsync(cancellationToken))
                {
                    var row = Ledger.ReadReservation(reader);
                    rows[row.Id] = row;
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);

        foreach (var insert in inserts)
        {
            if (insert.Row.Epoch != fence)
            {
                insert.Completion.TrySetException(new StaleEpochException(insert.Row.Epoch, fence));
            }
            else
            {
                insert.Completion.TrySetResult(rows[insert.Row.Id]);
            }
        }

        foreach (var transition in transitions)
        {
            transition.Completion.TrySetResult(rows.GetValueOrDefault(transition.Id));
        }
    }

    private static NpgsqlBatchCommand InsertCommand(List<Insert> inserts)
    {
        var draws = inserts.SelectMany(i => i.Row.Draws.Select((d, ordinal) => (i.Row, d, ordinal))).ToList();
        var command = new NpgsqlBatchCommand("""
            WITH inserted AS (
                INSERT INTO reservations (reservation_id, token, state, outcome, fingerprint, expires_at, epoch, created_at, updated_at)
                SELECT u.*, u.created_at FROM unnest($1::text[], $2::uuid[], $3::smallint[], $4::smallint[], $5::text[], $6::timestamptz[], $7::bigint[], $8::timestamptz[])
                    AS u(reservation_id, token, state, outcome, fingerprint, expires_at, epoch, created_at)
                WHERE u.epoch = (SELECT epoch FROM fence WHERE id = 1)
                ON CONFLICT (reservation_id) DO NOTHING
                RETURNING reservation_id, token, state, created_at),
            draws AS (
                SELECT d.reservation_id, d.ordinal, d.bucket_id, d.tpp, i.state, i.created_at
                FROM unnest($9::text[], $10::uuid[], $11::smallint[], $12::text[], $13::bigint[]) AS d(reservation_id, token, ordinal, bucket_id, tpp)
                JOIN inserted i ON i.reservation_id = d.reservation_id AND i.token = d.token),
            new_draws AS (
                INSERT INTO reservation_draws (reservation_id, ordinal, bucket_id, tpp)
                SELECT reservation_id, ordinal, bucket_id, tpp FROM draws)
            INSERT INTO buckets (bucket_id, cap, created_at, updated_at)
            SELECT bucket_id, NULL, min(created_at), min(created_at) FROM draws WHERE state <> 5
            GROUP BY bucket_id ORDER BY bucket_id
            ON CONFLICT (bucket_id) DO NOTHING
            """);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter { Value = inserts.Select(i => i.Row.Id).ToArray() });
        p.Add(new NpgsqlParameter { Value = inserts.Select(i => i.Row.Token).ToArray() });
        p.Add(new NpgsqlParameter { Value = inserts.Select(i => (short)i.Row.State).ToArray() });
        p.Add(new NpgsqlParameter { Value = inserts.Select(i => (short)i.Row.Outcome).ToArray() });
        p.Add(new NpgsqlParameter { Value = inserts.Select(i => i.Row.Fingerprint).ToArray() });
        p.Add(new NpgsqlParameter { Value = inserts.Select(i => i.Row.ExpiresAt.UtcDateTime).ToArray() });
        p.Add(new NpgsqlParameter { Value = inserts.Select(i => i.Row.Epoch).ToArray() });
        p.Add(new NpgsqlParameter { Value = inserts.Select(i => i.Row.CreatedAt.UtcDateTime).ToArray() });
        p.Add(new NpgsqlParameter { Value = draws.Select(d => d.Row.Id).ToArray() });
        p.Add(new NpgsqlParameter { Value = draws.Select(d => d.Row.Token).ToArray() });
        p.Add(new NpgsqlParameter { Value = draws.Select(d => (short)(d.ordinal + 1)).ToArray() });
        p.Add(new NpgsqlParameter { Value = draws.Select(d => d.d.BucketId).ToArray() });
        p.Add(new NpgsqlParameter { Value = draws.Select(d => d.d.Tpp).ToArray() });
        return command;
    }

    private abstract record Operation
    {
        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The trace of the request that queued this operation, if it is traced.</summary>
        public ActivityContext? Caller { get; } = Activity.Current?.Context;
    }

    private sealed record Insert(Reservation Row) : Operation;

    private sealed record Transition(string Id, ReservationState Target, DateTimeOffset Now) : Operation;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Ledger batch of {Count} retried after {SqlState}")]
        public static partial void BatchRetried(ILogger logger, int count, string sqlState);

        [LoggerMessage(2, LogLevel.Error, "Ledger batch of {Count} failed")]
        public static partial void BatchFailed(ILogger logger, Exception exception, int count);

        [LoggerMessage(3, LogLevel.Warning, "Ledger batch of {Count} split after PostgreSQL refused a row ({SqlState})")]
        public static partial void BatchSplit(ILogger logger, int count, string sqlState);

        [LoggerMessage(4, LogLevel.Warning, "Ledger refused one operation ({SqlState})")]
        public static partial void RowRefused(ILogger logger, Exception exception, string sqlState);
    }
}
