using Diffusion.Decisions.Tests.Scenarios;
using Diffusion.Decisions.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Diffusion.Decisions.Tests.Streaming;

/// <summary>DecideStream over real gRPC, through every service Decisions composes (real Redis and PostgreSQL behind Quota).</summary>
[Collection(StackCollection.Name)]
public sealed class DecideStreamTests(DiffusionStack stack)
{
    private static readonly Timestamp March2026 = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    private DecideRequest Order(int n, string destination, uint quantity = 8, bool dryRun = false) => new()
    {
        OrderId = $"book-{run}-{n}",
        Exporter = "Acme Servers Inc.",
        DestinationCountry = destination,
        Consignee = new Consignee { Id = $"book-{(destination.Length == 2 ? destination : "xx")}-{run}", HeadquartersCountry = destination },
        AsOf = March2026,
        DryRun = dryRun,
        Items = { new OrderItem { KnownChip = "NVIDIA H100 SXM", Quantity = quantity } },
    };

    /// <summary>An order book with reserving, dry-run, Tier 1, Tier 3 and bad orders mixed, and what each line must be answered with.</summary>
    private List<(DecideRequest Order, string? Field)> Book()
    {
        var book = new List<(DecideRequest, string?)>();
        for (var n = 0; n < 40; n++)
        {
            var order = (n % 8) switch
            {
                0 => Order(n, "AE"),                      // LPP, reserved
                1 => Order(n, "AE", dryRun: true),        // LPP, nothing reserved
                2 => Order(n, "DE"),                      // Tier 1
                3 => Order(n, "CN"),                      // Tier 3
                4 => Order(n, "AE", quantity: 0),         // bad: items[0].quantity
                5 => Order(n, "United Arab Emirates"),    // bad: destination_country
                6 => Order(n, "IN", quantity: 2000),      // beyond the LPP cap: licence, country allocation
                _ => Order(n, "AE"),
            };
            if (n == 7)
            {
                order.Items[0].KnownChip = "No Such Chip 9000";   // bad: items[0].known_chip (Classification's NOT_FOUND)
            }

            var field = (n % 8) switch
            {
                4 => "items[0].quantity",
                5 => "destination_country",
                7 when n == 7 => "items[0].known_chip",
                _ => null,
            };
            book.Add((order, field));
        }

        return book;
    }

    [Fact]
    public async Task DecideStream_MixedBook_AnswersEveryOrderInOrder_AsDecideWould_BadOnesWithTheirField()
    {
        var book = Book();

        var answers = await StreamAsync(book.Select(b => b.Order));

        Assert.Equal(book.Count, answers.Count);
        for (var i = 0; i < book.Count; i++)
        {
            var (order, field) = book[i];
            var answer = answers[i];
            Assert.Equal((ulong)i, answer.Index);
            Assert.Equal(order.OrderId, answer.OrderId);
            if (field is not null)
            {
                Assert.Equal(DecideStreamResponse.ResultOneofCase.Error, answer.ResultCase);
                Assert.Equal((int)StatusCode.InvalidArgument, answer.Error.Code);
                Assert.Equal("INVALID_ARGUMENT", answer.Error.Status);
                Assert.StartsWith(field + ":", answer.Error.Message, StringComparison.Ordinal);
                var unary = await Assert.ThrowsAsync<RpcException>(() => stack.Client.DecideAsync(order).ResponseAsync);
                Assert.Equal(unary.Status.Detail, answer.Error.Message);
                continue;
            }

            // Decide is idempotent on order_id: deciding the same order again answers what the stream answered,
            // reservation included.
            Assert.Equal(DecideStreamResponse.ResultOneofCase.Decision, answer.ResultCase);
            Assert.Equal(await stack.Client.DecideAsync(order), answer.Decision);
        }

        Assert.Contains(answers, a => a.Decision?.ReservationId.Length > 0);
        Assert.Contains(answers, a => a.Decision is { LicenseException: "AIA" });
        Assert.Contains(answers, a => a.Decision is { Outcome: DecisionOutcome.LicenseRequired, ReservationId.Length: > 0 });
    }

    [Fact]
    public async Task DecideStream_NoOrders_EndsWithNoAnswers()
    {
        var answers = await StreamAsync([]);

        Assert.Empty(answers);
    }

    private async Task<List<DecideStreamResponse>> StreamAsync(IEnumerable<DecideRequest> orders)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        return await stack.Client.DecideAllAsync(orders, timeout.Token);
    }
}
