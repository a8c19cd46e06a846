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
/// built on it is durable (quota invariant 2, docs/quota-invariants.md). Under load a batch holds as many operations as arrived during the
/// previous commit, so one fsync serves many reservations.
/// </summary>
internal sealed partial class LedgerWriter(NpgsqlDataSource dataSource, IOptions<QuotaOptions> options, ILogger<LedgerWriter> logger)
    : BackgroundService
{
    /// <summary>Source of the "ledger write" span that parents a batch's PostgreSQL spans.</summary>
    private static readonly ActivitySource Tracing = new("Diffusion.Quota.Ledger");

    private readonly Channel<Operation> queue = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = false });

    private int admitted;

    /// <summary>Operations admitted and not yet answered (tests, metrics).</summary>
    public int Admitted => Volatile.Read(ref admitted);

    /// <summary>
    /// Admits one operation towards the ledger, or refuses it with RESOURCE_EXHAUSTED when
    /// <see cref="QuotaOptions.LedgerQueueCapacity"/> are in flight. The caller disposes the ticket once answered.
    /// Admission comes before any change (a Reserve asks before its Redis hold), so a refused call changed nothing.
    /// The queue itself needs no bound of its own: only admitted callers (and the sweeper, one at a time) enqueue.
    /// </summary>
    public Ticket Admit()
    {
        if (Interlocked.Increment(ref admitted) > options.Value.LedgerQueueCapacity)
        {
            Interlocked.Decrement(ref admitted);
            throw new QuotaException(
                QuotaErrorKind.ResourceExhausted,
                $"the ledger has {options.Value.LedgerQueueCapacity} operations in flight on this replica; nothing was changed, retry later");
        }

        return new Ticket(this);
    }

    /// <summary>A place among the admitted operations; disposing it frees the place.</summary>
    public readonly struct Ticket(LedgerWriter writer) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref writer.admitted);
    }

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
        // Each loop keeps its own connection: no pool round trip and no session reset (DISCARD ALL) per batch.
        await using var session = new WriterSession(dataSource);
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
            await WriteIsolatingAsync(session, batch, stoppingToken);
        }
    }

    /// <summary>
    /// Writes a batch; when PostgreSQL refuses a row (the row's fault, not the connection's), the batch is halved and
    /// each half written on its own, down to the one operation at fault, which alone gets the error. Every other
    /// caller gets the answer to its own request.
    /// </summary>
    private async Task WriteIsolatingAsync(WriterSession session, List<Operation> batch, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteAsync(await session.OpenAsync(stoppingToken), batch, stoppingToken);
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
                await WriteIsolatingAsync(session, batch[..half], stoppingToken);
                await WriteIsolatingAsync(session, batch[half..], stoppingToken);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or OperationCanceledException)
            {
                // The outcome of a failed COMMIT may be unknown: callers treat this as "maybe written"
                // (see QuotaEngine) and answer UNAVAILABLE. The connection may be broken: the next batch opens another.
                Log.BatchFailed(logger, e, batch.Count);
                await session.DiscardAsync();
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
    /// One transaction in one round trip: the batch's statements (fence read under a shared lock, the inserts whose
    /// epoch equals the fence, the transitions) go out together with no explicit transaction, so PostgreSQL runs them
    /// as one implicit transaction that commits at the batch's end (Sync); the answer arrives only after that commit
    /// is durable. Inserted rows are answered from what was sent (RETURNING names them); transitions from RETURNING;
    /// only the rare rest (an id already recorded by an earlier attempt, a transition of a reservation no longer
    /// pending) is read back afterwards.
    /// </summary>
    private async Task WriteAsync(NpgsqlConnection connection, List<Operation> batch, CancellationToken cancellationToken)
    {
        var inserts = batch.OfType<Insert>().ToList();
        var transitions = batch.OfType<Transition>().ToList();
        await using var commands = new NpgsqlBatch(connection);
        commands.BatchCommands.Add(new NpgsqlBatchCommand(LedgerStatements.ReadFenceShared));
        if (inserts.Count > 0)
        {
            commands.BatchCommands.Add(InsertCommand(inserts));
        }

        if (transitions.Count > 0)
        {
            var update = new NpgsqlBatchCommand(LedgerStatements.Transition);
            update.Parameters.Add(new NpgsqlParameter { Value = transitions.Select(t => t.Id).ToArray() });
            update.Parameters.Add(new NpgsqlParameter { Value = transitions.Select(t => (short)t.Target).ToArray() });
            update.Parameters.Add(new NpgsqlParameter { Value = transitions.Select(t => t.Now.UtcDateTime).ToArray() });
            commands.BatchCommands.Add(update);
        }

        long fence;
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        var rows = new Dictionary<string, Reservation>(StringComparer.Ordinal);
        await using (var reader = await commands.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            fence = reader.GetInt64(0);
            if (inserts.Count > 0)
            {
                await reader.NextResultAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    inserted.Add(reader.GetString(0));
                }
            }

            if (transitions.Count > 0)
            {
                await reader.NextResultAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var row = Ledger.ReadReservation(reader);
                    rows[row.Id] = row;
                }
            }

            // Disposing the reader reads up to the end of the batch: the implicit transaction's commit. An error there
            // (the commit failed or its outcome is unknown) throws before any caller is answered.
        }

        var unread = inserts.Where(i => i.Row.Epoch == fence && !inserted.Contains(i.Row.Id)).Select(i => i.Row.Id)
            .Concat(transitions.Select(t => t.Id).Where(id => !rows.ContainsKey(id)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (unread.Count > 0)
        {
            foreach (var (id, row) in await Ledger.FindAsync(connection, null, unread, cancellationToken))
            {
                rows[id] = row;
            }
        }

        foreach (var insert in inserts)
        {
            if (insert.Row.Epoch != fence)
            {
                insert.Completion.TrySetException(new StaleEpochException(insert.Row.Epoch, fence));
            }
            else
            {
                insert.Completion.TrySetResult(inserted.Contains(insert.Row.Id) ? insert.Row : rows[insert.Row.Id]);
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
        var command = new NpgsqlBatchCommand(LedgerStatements.Insert);
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

    /// <summary>A writer loop's connection, opened on first use and again after a failure.</summary>
    private sealed class WriterSession(NpgsqlDataSource dataSource) : IAsyncDisposable
    {
        private NpgsqlConnection? connection;

        public async ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
        {
            if (connection is { State: System.Data.ConnectionState.Open })
            {
                return connection;
            }

            await DiscardAsync();
            connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return connection;
        }

        public async ValueTask DiscardAsync()
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
                connection = null;
            }
        }

        public ValueTask DisposeAsync() => DiscardAsync();
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
