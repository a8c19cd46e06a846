using System.CommandLine;
using System.Globalization;
using Diffusion.LoadTest.Load;
using Google.Protobuf;

namespace Diffusion.LoadTest.Commands;

/// <summary>
/// <c>diffusion-loadtest orderbook --count 100000 --out orders.jsonl</c>: an order book for <c>diffusion decide
/// --batch</c>, in the load test's mix (<see cref="OrderMix"/>: its shares of Tier 1, LPP, country allocation, VEU,
/// Tier 3, HBM, model weights, dry runs and hostile orders), one DecideRequest per line in protobuf JSON. Generated, not
/// stored: the same seed gives the same book.
/// </summary>
internal static class OrderBookCommand
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));

    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "How many orders", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the mix (the same seed gives the same book)", DefaultValueFactory = _ => 17 };
        var run = new Option<string?>("--run") { Description = "Run id in order and consignee ids (default: book-<seed>); a new id gives orders Decisions has not seen" };
        var output = new Option<string?>("--out") { Description = "File to write (default: standard output)" };
        var command = new Command("orderbook", "Write an order book (JSON Lines of DecideRequest) for `diffusion decide --batch`") { count, seed, run, output };
        command.Validators.Add(result =>
        {
            if (result.GetValue(count) < 1)
            {
                result.AddError("--count must be at least 1");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(output);
            var writer = path is null ? Console.Out : new StreamWriter(path);
            try
            {
                var s = parse.GetValue(seed);
                await WriteAsync(writer, parse.GetValue(count), s, parse.GetValue(run) ?? string.Create(CultureInfo.InvariantCulture, $"book-{s}"), cancellationToken);
            }
            finally
            {
                if (path is not null)
                {
                    await writer.DisposeAsync();
                }
            }

            return 0;
        });
        return command;
    }

    /// <summary>Writes <paramref name="count"/> orders of the mix, one per line.</summary>
    public static async Task WriteAsync(TextWriter writer, int count, int seed, string runId, CancellationToken cancellationToken)
    {
        var mix = new OrderMix(runId, "book");
        var random = new Random(seed);
        for (var n = 0; n < count; n++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(Formatter.Format(mix.Next(random, n, FollowUp.Leave).Order)).ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
