using Diffusion.Decisions.V1;
using Diffusion.Quota.V1;
using Diffusion.Storage.Audit;
using Diffusion.Testing.Auth;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;

namespace Diffusion.Decisions.Tests.Audit;

/// <summary>
/// Decisions, confirmations and cancellations on the audit trail (PostgreSQL, shared with EndUsers as under the
/// AppHost): each row is there as soon as the call is answered, with the token's subject as actor; dry runs and
/// what-if leave none; with the trail's database unreachable the call fails UNAVAILABLE instead of answering
/// unrecorded, and repeating it once the trail is back answers the same and records it.
/// </summary>
[Collection(Scenarios.StackCollection.Name)]
public sealed class DecisionAuditTests(DiffusionStack stack)
{
    private static readonly Timestamp March2026 = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    private DecideRequest Order(string name, string destination = "AE", bool dryRun = false) => new()
    {
        OrderId = $"audited-{run}-{name}",
        Exporter = "Acme Servers Inc.",
        DestinationCountry = destination,
        Consignee = new Consignee { Id = $"audited-{run}-{name}", HeadquartersCountry = destination },
        AsOf = March2026,
        DryRun = dryRun,
        Items = { new OrderItem { KnownChip = "NVIDIA H100 SXM", Quantity = 8 } },
    };

    [Fact]
    public async Task DecideConfirmCancel_OnTheTrailWhenAnswered_WithTheTokensSubject_DryRunsAndWhatIfNot()
    {
        using var channel = stack.Decisions.CreateChannel(token: TestTokens.AllRoles($"clerk-{run}"));
        var client = new DecisionService.DecisionServiceClient(channel);

        // Each row is read right after the answer, with nothing in between: the answer came after the commit.
        var shipped = await client.DecideAsync(Order("shipped"));
        var decidedRows = await RowsAsync("shipped");
        await client.ConfirmAsync(new ConfirmRequest { OrderId = shipped.OrderId });
        var confirmedRows = await RowsAsync("shipped");
        var calledOff = await client.DecideAsync(Order("called-off"));
        await client.CancelAsync(new CancelRequest { OrderId = calledOff.OrderId });
        var cancelledRows = await RowsAsync("called-off");
        await client.DecideAsync(Order("dry", dryRun: true));
        await client.WhatIfAsync(new WhatIfRequest { Order = Order("what-if"), RuleSets = { "aid-2026", "acr-2026" } });

        var decided = Assert.Single(decidedRows);
        Assert.Equal((AuditKinds.OrderDecided, $"clerk-{run}", shipped.OrderId), (decided.Record.Kind, decided.Record.Actor, decided.Record.Subject));
        Assert.Contains($"\"reservation_id\":\"{shipped.ReservationId}\"", decided.Record.Details, StringComparison.Ordinal);
        Assert.Contains($"\"bucket_id\":\"{shipped.Draws[0].BucketId}\",\"tpp\":{shipped.Draws[0].Tpp}", decided.Record.Details, StringComparison.Ordinal);
        Assert.Equal([AuditKinds.OrderDecided, AuditKinds.OrderConfirmed], confirmedRows.Select(r => r.Record.Kind));
        Assert.Contains("\"state\":\"Committed\"", confirmedRows[1].Record.Details, StringComparison.Ordinal);
        Assert.Equal([AuditKinds.OrderDecided, AuditKinds.OrderCancelled], cancelledRows.Select(r => r.Record.Kind));
        Assert.Contains("\"state\":\"Released\"", cancelledRows[1].Record.Details, StringComparison.Ordinal);
        Assert.Empty(await RowsAsync("dry"));
        Assert.Empty(await RowsAsync("what-if"));
    }

    [Fact]
    public async Task ManyAtOnce_UnaryAndStreamed_EachOnTheTrailOnce_TheChainWhole()
    {
        // 40 concurrent unary decisions and a stream of 20 (10 dry runs): the writer batches them; each real one is on
        // the trail exactly once, in a chain that verifies.
        var unary = Enumerable.Range(0, 40).Select(i => stack.Client.DecideAsync(Order($"many-{i}", i % 2 == 0 ? "AE" : "CN")).ResponseAsync);
        var streamed = DecideStreamAsync(Enumerable.Range(0, 20).Select(i => Order($"stream-{i}", "CN", dryRun: i % 2 == 1)));
        await Task.WhenAll(unary);
        var answers = await streamed;

        Assert.All(answers, a => Assert.Equal(DecideStreamResponse.ResultOneofCase.Decision, a.ResultCase));
        var rows = await RowsAsync("");
        var subjects = rows.Select(r => r.Record.Subject).ToList();
        Assert.Equal(40 + 10, subjects.Count);
        Assert.Equal(subjects.Count, subjects.Distinct().Count());
        Assert.All(Enumerable.Range(0, 40), i => Assert.Contains($"audited-{run}-many-{i}", subjects));
        Assert.All(Enumerable.Range(0, 20).Where(i => i % 2 == 0), i => Assert.Contains($"audited-{run}-stream-{i}", subjects));
        Assert.All(rows, r => Assert.Equal(TestTokens.DefaultSubject, r.Record.Actor));
        Assert.Null(await VerifyAsync());
    }

    [Fact]
    public async Task TrailUnreachable_Unavailable_NotAnsweredUnrecorded_RepeatingRecordsIt()
    {
        await using var cutOff = await stack.StartDecisionsAsync(new Dictionary<string, Uri>(), ledger: DecisionsHost.NoLedger());
        var client = new DecisionService.DecisionServiceClient(cutOff.Channel);
        var order = Order("cut-off");

        var decide = await Assert.ThrowsAsync<RpcException>(() => client.DecideAsync(order).ResponseAsync);
        var dryRun = await client.DecideAsync(Order("cut-off-dry", dryRun: true));
        var streamed = await DecideStreamAsync([Order("cut-off-stream", "CN")], client);

        Assert.Equal(StatusCode.Unavailable, decide.StatusCode);
        Assert.Contains("audit trail unavailable", decide.Status.Detail, StringComparison.Ordinal);
        Assert.Contains($"order.decided of order {order.OrderId} is not on record", decide.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.LicenseException, dryRun.Outcome);
        Assert.Equal("UNAVAILABLE", Assert.Single(streamed).Error.Status);

        // Quota did reserve (the decision came first); the same order decided again with the trail back answers the
        // same reservation and puts it on record, once.
        var pending = await stack.QuotaClient.GetReservationAsync(new GetReservationRequest { ReservationId = $"order/{order.OrderId}/1" });
        Assert.Equal(ReservationState.Pending, pending.State);
        var confirm = await Assert.ThrowsAsync<RpcException>(() => client.ConfirmAsync(new ConfirmRequest { OrderId = order.OrderId }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, confirm.StatusCode);

        var repeated = await stack.Client.DecideAsync(order);
        await stack.Client.ConfirmAsync(new ConfirmRequest { OrderId = order.OrderId });

        Assert.Equal($"order/{order.OrderId}/1", repeated.ReservationId);
        Assert.Equal([AuditKinds.OrderDecided, AuditKinds.OrderConfirmed], (await RowsAsync("cut-off")).Where(r => r.Record.Subject == order.OrderId).Select(r => r.Record.Kind));
        Assert.Empty(await RowsAsync("cut-off-stream"));
    }

    [Fact]
    public async Task TrailStalled_QueueFull_ResourceExhaustedAtOnce_NotAnsweredUnrecorded_RepeatingRecordsIt()
    {
        // Audit:QueueCapacity=1: one row in the batch being written, one waiting; a third is refused. The services are up,
        // so the calls get the default's patience: under the 2 s of a stack's second Decisions a loaded machine timed the
        // first Decide out at a downstream call, before it reached the trail.
        await using var small = await stack.StartDecisionsAsync(new Dictionary<string, Uri>(), settings: new Dictionary<string, string?> { ["Audit:QueueCapacity"] = "1", ["Decisions:CallTimeout"] = "00:00:30" });
        var client = new DecisionService.DecisionServiceClient(small.Channel);
        var (first, second, third) = (Order("stalled-1"), Order("stalled-2"), Order("stalled-3"));
        await using var dataSource = NpgsqlDataSource.Create(stack.AuditLedger);
        Task<DecideResponse> firstCall, secondCall, thirdCall;
        await using (var blocker = await dataSource.OpenConnectionAsync())
        await using (var transaction = await blocker.BeginTransactionAsync())
        {
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE audit.events IN ACCESS EXCLUSIVE MODE", blocker, transaction))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            firstCall = client.DecideAsync(first).ResponseAsync;
            await using (var waiters = dataSource.CreateCommand("SELECT count(*) FROM pg_locks WHERE NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"))
            {
                for (var deadline = DateTime.UtcNow.AddSeconds(60); (long)(await waiters.ExecuteScalarAsync())! == 0; await Task.Delay(20))
                {
                    Assert.True(DateTime.UtcNow < deadline, "the audit writer never waited for the locked trail");
                }
            }

            // The writer is stuck on the first row; of the next two, one waits in the queue and the other is refused
            // at once, while the table is still locked.
            (secondCall, thirdCall) = (client.DecideAsync(second).ResponseAsync, client.DecideAsync(third).ResponseAsync);
            var refusedCall = await Task.WhenAny(secondCall, thirdCall).WaitAsync(TimeSpan.FromSeconds(60));
            var refused = await Assert.ThrowsAsync<RpcException>(() => refusedCall);
            var refusedOrder = refusedCall == secondCall ? second : third;
            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.Contains("audit trail busy: 1 rows are waiting", refused.Status.Detail, StringComparison.Ordinal);
            Assert.Contains($"order.decided of order {refusedOrder.OrderId} is not on record", refused.Status.Detail, StringComparison.Ordinal);
            Assert.False(firstCall.IsCompleted);
            Assert.False((refusedCall == secondCall ? thirdCall : secondCall).IsCompleted);
            await transaction.RollbackAsync();
        }

        var answered = new[] { await firstCall, await (secondCall.IsFaulted ? thirdCall : secondCall) };
        Assert.All(answered, a => Assert.Equal(DecisionOutcome.LicenseException, a.Outcome));
        var (notRecorded, notRecordedName) = secondCall.IsFaulted ? (second, "stalled-2") : (third, "stalled-3");
        Assert.Empty(await RowsAsync(notRecordedName));

        // Repeated once the trail moves again: the same reservation (Quota's is idempotent), now on record once.
        var repeated = await client.DecideAsync(notRecorded);
        Assert.Equal($"order/{notRecorded.OrderId}/1", repeated.ReservationId);
        Assert.Equal(3, (await RowsAsync("stalled-")).Select(r => r.Record.Subject).Distinct().Count());
        Assert.Single(await RowsAsync(notRecordedName));
        Assert.Null(await VerifyAsync());
    }

    private async Task<List<DecideStreamResponse>> DecideStreamAsync(IEnumerable<DecideRequest> orders, DecisionService.DecisionServiceClient? client = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        return await (client ?? stack.Client).DecideAllAsync(orders, timeout.Token);
    }

    private async Task<List<AuditEntry>> RowsAsync(string name)
    {
        await using var dataSource = NpgsqlDataSource.Create(stack.AuditLedger);
        var rows = new List<AuditEntry>();
        await foreach (var row in AuditLog.ReadAsync(dataSource, new AuditFilter(SubjectPrefix: $"audited-{run}-{name}")))
        {
            rows.Add(row);
        }

        return rows;
    }

    private async Task<string?> VerifyAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(stack.AuditLedger);
        var rows = new List<AuditEntry>();
        await foreach (var row in AuditLog.ReadAsync(dataSource))
        {
            rows.Add(row);
        }

        return AuditChain.Verify(rows, await AuditLog.CheckpointsAsync(dataSource, CancellationToken.None), publicKey: null);
    }
}
