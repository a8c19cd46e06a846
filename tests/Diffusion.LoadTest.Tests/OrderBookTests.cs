using Diffusion.Decisions.V1;
using Diffusion.LoadTest.Commands;
using Google.Protobuf;

namespace Diffusion.LoadTest.Tests;

/// <summary>The order book generator for <c>diffusion decide --batch</c>.</summary>
public sealed class OrderBookTests
{
    private static async Task<string[]> BookAsync(int count, int seed)
    {
        using var text = new StringWriter();
        await OrderBookCommand.WriteAsync(text, count, seed, "t", CancellationToken.None);
        return text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task OrderBook_EveryLineIsADecideRequest_SameSeedSameBook_DistinctOrderIds()
    {
        var book = await BookAsync(2_000, 5);
        var again = await BookAsync(2_000, 5);
        var other = await BookAsync(2_000, 6);

        Assert.Equal(2_000, book.Length);
        Assert.Equal(book, again);
        Assert.NotEqual(book, other);
        var orders = book.Select(JsonParser.Default.Parse<DecideRequest>).ToList();
        Assert.Equal(orders.Count, orders.Select(o => o.OrderId).Distinct().Count());

        // The mix's shares: some orders of each kind, the hostile ones among them.
        Assert.Contains(orders, o => o.DestinationCountry == "DE");
        Assert.Contains(orders, o => o.DestinationCountry == "CN");
        Assert.Contains(orders, o => o.DryRun);
        Assert.Contains(orders, o => o.Items.Count == 0 || o.Items[0].Quantity == 0);
    }
}
