using Diffusion.Classification.V1;
using Diffusion.Decisions.V1;
using Diffusion.Testing.Grpc;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Decisions.Tests.Streaming;

/// <summary>
/// DecideStream's flow control, cancellation and failures, with the real Classification service (its calls counted:
/// one per Tier 1 order decided) and nothing else: Tier 1 orders need no other service.
/// </summary>
public sealed class DecideStreamFlowTests : IAsyncLifetime
{
    private const int Window = 8;

    // Answers Decisions may have decided beyond what the client read: the window, plus answers waiting in Kestrel's
    // response buffer and the client's HTTP/2 receive window (each 64 KiB; an answer is several hundred bytes).
    private const int Buffered = 2_000;

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private static readonly Timestamp March2026 = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private GrpcTestServer classification = null!;
    private GrpcTestServer decisions = null!;

    private long Classified => classification.Services.GetRequiredService<CallCounter>().Count;

    public async Task InitializeAsync()
    {
        classification = await ClassificationHost.StartAsync(
            builder => builder.Services.AddSingleton<CallCounter>(),
            app =>
            {
                var counter = app.Services.GetRequiredService<CallCounter>();
                app.Use(next => context =>
                {
                    counter.Increment();
                    return next(context);
                });
            });
        decisions = await DecisionsHost.StartAsync(DecisionsHost.OnlyClassification(classification.Address), DecisionsHost.NoLedger(), new Dictionary<string, string?>
        {
            ["Decisions:StreamWindow"] = Window.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Decisions:CallTimeout"] = "00:00:30",
        });
    }

    public async Task DisposeAsync()
    {
        await decisions.DisposeAsync();
        await classification.DisposeAsync();
    }

    // A Tier 1 order of a chip of its own (named after the order), so each order is one classification call.
    private static DecideRequest Tier1(long n) => new()
    {
        OrderId = $"flow-{n}",
        DestinationCountry = "DE",
        Consignee = new Consignee { Id = "flow-consignee", HeadquartersCountry = "DE" },
        AsOf = March2026,
        DryRun = true,
        Items =
        {
            new OrderItem
            {
                Chip = new ChipSpec { Name = $"chip-{n}", ApplicableDieAreaMm2 = 800, Rates = { new ComputeRate { BitLength = 8, DenseTops = 2000 } } },
                Quantity = 8,
            },
        },
    };

    [Fact]
    public async Task DecideStream_OrdersWithTheSameLines_ClassifiedOncePerStream()
    {
        var before = Classified;
        var orders = Enumerable.Range(0, 200).Select(n =>
        {
            var order = Tier1(n);
            order.Items[0].Chip.Name = "the same chip";
            order.Items[0].Quantity = (uint)(n + 1);
            return order;
        }).ToList();
        using var timeout = new CancellationTokenSource(Patience);
        var answers = await DecisionsHost.Client(decisions).DecideAllAsync(orders, timeout.Token);

        Assert.Equal(200, answers.Count);
        Assert.All(answers, a => Assert.Equal("AIA", a.Decision.LicenseException));
        Assert.Equal(Enumerable.Range(1, 200).Select(n => n * answers[0].Decision.Items[0].TppEach), answers.Select(a => a.Decision.TotalTpp));
        Assert.Equal(1, Classified - before);
    }

    [Fact]
    public async Task DecideStream_ClientStopsReading_ServiceStopsDecidingNearTheWindow_ThenResumes_AndCancelEndsIt()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using var call = DecisionsHost.Client(decisions).DecideStream(cancellationToken: cancel.Token);
        long sent = 0;
        var sending = Task.Run(async () =>
        {
            // A client with an endless book: it sends as fast as the stream lets it.
            for (long n = 0; ; n++)
            {
                await call.RequestStream.WriteAsync(Tier1(n), cancel.Token);
                Interlocked.Increment(ref sent);
            }
        });

        // The first answers come while the client reads.
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
        }

        // Then nobody reads the answers: deciding must stop once the window and the transport's buffers are full.
        var stalled = await SettledAsync(() => Classified, () => Interlocked.Read(ref sent));
        Assert.InRange(stalled, Window, Buffered);
        Assert.True(Interlocked.Read(ref sent) > stalled, $"sent {Interlocked.Read(ref sent)}, decided {stalled}: the client should be ahead, held back by flow control");

        // Reading again lets it go on, in order.
        const int read = 3_000;
        for (var i = 10; i < read; i++)
        {
            Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
            Assert.Equal((ulong)i, call.ResponseStream.Current.Index);
            Assert.Equal(DecideStreamResponse.ResultOneofCase.Decision, call.ResponseStream.Current.ResultCase);
        }

        Assert.True(Classified >= read);

        // Cancelling the call ends it for the client and stops the service deciding.
        await cancel.CancelAsync();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.True(e is OperationCanceledException || e is RpcException { StatusCode: StatusCode.Cancelled }, e.ToString());
        await Assert.ThrowsAnyAsync<Exception>(() => sending);
        var final = await SettledAsync(() => Classified, () => Interlocked.Read(ref sent));
        Assert.InRange(final - read, 0, Buffered);
        Assert.True(Interlocked.Read(ref sent) > final, "orders sent after the cancel must not all have been decided");
    }

    [Fact]
    public async Task DecideStream_ServicesDown_EachOrderAnsweredWithItsError_StreamGoesOn()
    {
        await using var down = await DecisionsHost.StartAsync(
            DecisionsHost.Unreachable(),
            DecisionsHost.NoLedger(),
            new Dictionary<string, string?> { ["Decisions:CallTimeout"] = "00:00:02" });
        var bad = Tier1(2);
        bad.Items[0].Quantity = 0;
        var orders = new[] { Tier1(0), Tier1(1), bad, Tier1(3) };
        using var timeout = new CancellationTokenSource(Patience);
        var answers = await DecisionsHost.Client(down).DecideAllAsync(orders, timeout.Token);

        Assert.Equal(orders.Select(o => o.OrderId), answers.Select(a => a.OrderId));
        Assert.All(answers.Where((_, i) => i != 2), a =>
        {
            Assert.Equal("UNAVAILABLE", a.Error.Status);
            Assert.Equal((int)StatusCode.Unavailable, a.Error.Code);
            Assert.Contains("classification service unavailable", a.Error.Message, StringComparison.Ordinal);
        });
        Assert.Equal("INVALID_ARGUMENT", answers[2].Error.Status);
        Assert.StartsWith("items[0].quantity:", answers[2].Error.Message, StringComparison.Ordinal);
    }

    // The value once it has not changed for three polls a second apart (every wait bounded by Patience).
    private static async Task<long> SettledAsync(Func<long> read, Func<long> sent)
    {
        var deadline = DateTime.UtcNow + Patience;
        var last = read();
        var same = 0;
        while (same < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, $"still changing after {Patience}: {last} decided, {sent()} sent");
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = read();
            same = now == last && now > 0 ? same + 1 : 0;
            last = now;
        }

        return last;
    }
}
