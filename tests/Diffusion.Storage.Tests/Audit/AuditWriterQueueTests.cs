using Diffusion.Storage.Audit;
using Diffusion.Testing.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Diffusion.Storage.Tests.Audit;

/// <summary>
/// The audit writer's queue is bounded: while PostgreSQL does not take its batch (here the trail's table is locked by
/// another session), at most the queue's capacity of rows wait; the next append is refused at once with
/// <see cref="AuditQueueFullException"/> and is never written. Once PostgreSQL takes the batch again, every row that
/// waited is committed, in a chain that verifies.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AuditWriterQueueTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const int Capacity = 3;
    private NpgsqlDataSource dataSource = null!;

    public async Task InitializeAsync() => dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());

    public async Task DisposeAsync() => await dataSource.DisposeAsync();

    [Fact]
    public async Task PostgresStalled_CapacityRowsWait_TheNextRefusedAtOnce_AllThatWaitedWrittenAfterwards()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var writer = new AuditWriter(dataSource, NullLogger<AuditWriter>.Instance, maxBatch: 1, queueCapacity: Capacity);
        await writer.AppendAsync(Record("first"), timeout.Token); // applies the schema

        var waiting = new List<Task<AuditEntry>>();
        await using (var blocker = await dataSource.OpenConnectionAsync(timeout.Token))
        {
            await using (var transaction = await blocker.BeginTransactionAsync(timeout.Token))
            {
                await using (var lockTable = new NpgsqlCommand("LOCK TABLE audit.events IN ACCESS EXCLUSIVE MODE", blocker, transaction))
                {
                    await lockTable.ExecuteNonQueryAsync(timeout.Token);
                }

                // The writer takes one row and waits for the table; then the queue fills up to its capacity.
                waiting.Add(writer.AppendAsync(Record("in-batch"), timeout.Token));
                await WaitForAsync(async () => await WaitingForLocksAsync(timeout.Token) > 0, timeout.Token);
                waiting.AddRange(Enumerable.Range(0, Capacity).Select(i => writer.AppendAsync(Record($"queued-{i}"), timeout.Token)));

                var refused = await Assert.ThrowsAsync<AuditQueueFullException>(() => writer.AppendAsync(Record("refused"), timeout.Token));
                Assert.Equal(Capacity, refused.Capacity);
                Assert.Contains($"{Capacity} rows are waiting", refused.Message, StringComparison.Ordinal);
                Assert.All(waiting, task => Assert.False(task.IsCompleted));
                await transaction.RollbackAsync(timeout.Token);
            }
        }

        var written = await Task.WhenAll(waiting);
        Assert.Equal(Enumerable.Range(2, Capacity + 1).Select(i => (long)i), written.Select(e => e.Seq));
        var rows = await ReadAllAsync(timeout.Token);
        Assert.Equal(["first", "in-batch", "queued-0", "queued-1", "queued-2"], rows.Select(r => r.Record.Subject));
        Assert.Null(AuditChain.Verify(rows, [], publicKey: null));

        // With the queue drained, appends are taken again.
        Assert.Equal(6, (await writer.AppendAsync(Record("after"), timeout.Token)).Seq);
    }

    [Fact]
    public void QueueCapacityBelowOne_Refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new AuditWriter(dataSource, NullLogger<AuditWriter>.Instance, queueCapacity: 0));
        Assert.Equal("queueCapacity", e.ParamName);
    }

    private static AuditRecord Record(string subject) =>
        new(DateTimeOffset.UnixEpoch, "tester", AuditKinds.OrderDecided, subject, "{}");

    private async Task<long> WaitingForLocksAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM pg_locks WHERE NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<List<AuditEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var rows = new List<AuditEntry>();
        await foreach (var row in AuditLog.ReadAsync(dataSource, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (!await condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}
