using System.Diagnostics;
using System.Globalization;
using Diffusion.Benchmarks.Baseline;
using Diffusion.Decisions.V1;
using Diffusion.Testing.Auth;
using Diffusion.Testing.Hosts;
using Google.Protobuf;
using Grpc.Core;

namespace Diffusion.Benchmarks.Decisions;

/// <summary>
/// An order book decided as dry runs over DecideStream, against the same orders as unary Decide calls and the empty
/// unary call, interleaved in one run (baseline, stream, unary, baseline). The book is a JSON Lines file of
/// DecideRequest, e.g. from <c>diffusion-loadtest orderbook --count 100000 --out book.jsonl</c>.
/// Arguments: <c>book.jsonl [--window N (Decisions:StreamWindow, default 64)] [--callers N (unary, default 64)]
/// [--unary-orders N (default 20000)] [--serve (keep the stack up for the CLI and print its address and a bearer token)]</c>.
/// </summary>
internal sealed class OrderBookBenchmark : IBenchmark
{
    public string Name => "orderbook";

    public string Description => "An order book (dry run) over DecideStream vs unary Decide vs the empty unary call (same run)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length == 0)
        {
            Console.WriteLine("usage: orderbook book.jsonl [--window N] [--callers N] [--unary-orders N] [--serve]");
            return 2;
        }

        var window = Option(args, "--window", 64);
        var callers = Option(args, "--callers", 64);
        var unaryOrders = Option(args, "--unary-orders", 20_000);
        var book = (await File.ReadAllLinesAsync(args[0], cancellationToken))
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l =>
            {
                var order = JsonParser.Default.Parse<DecideRequest>(l);
                order.DryRun = true;
                return order;
            })
            .ToList();

        await using var stack = await DiffusionStack.StartAsync(new DiffusionStackOptions
        {
            DurableServers = true,
            MapAlso = EmptyUnaryBaseline.Map,
            DecisionsSettings = new Dictionary<string, string?> { ["Decisions:StreamWindow"] = window.ToString(CultureInfo.InvariantCulture) },
        });
        var client = new DecisionService.DecisionServiceClient(stack.Decisions.Channel);
        if (args.Contains("--serve"))
        {
            // The stack trusts only this process's test issuer, so the CLI needs a token from it (an hour, every role).
            Console.WriteLine($"serving: decisions at {stack.Decisions.Address} (Decisions:StreamWindow {window}); Ctrl+C stops");
            Console.WriteLine($"DIFFUSION_TOKEN={TestTokens.AllRoles("orderbook-cli")}");
            await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            return 0;
        }

        Console.WriteLine($"orderbook benchmark: {book.Count} orders, window {window}, {callers} unary callers for {Math.Min(unaryOrders, book.Count)} orders, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        await StreamAsync(client, book.Take(2_000), cancellationToken);
        var invoker = EmptyUnaryBaseline.Invoker(stack.Decisions);

        var before = await EmptyUnaryBaseline.MeasureAsync(invoker, callers, TimeSpan.FromSeconds(5), cancellationToken);
        var stream = await StreamAsync(client, book, cancellationToken);
        var unary = await UnaryAsync(client, book.Take(unaryOrders).ToList(), callers, cancellationToken);
        var after = await EmptyUnaryBaseline.MeasureAsync(invoker, callers, TimeSpan.FromSeconds(5), cancellationToken);
        var baseline = (before + after) / 2;

        Console.WriteLine($"load average after: {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| measurement | orders | seconds | orders/s | vs empty unary call |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(Row("empty unary call (before / after)", 0, 0, before, baseline, $"{before:N0} / {after:N0} calls/s"));
        Console.WriteLine(Row("DecideStream, dry run", stream.Orders, stream.Time.TotalSeconds, stream.Orders / stream.Time.TotalSeconds, baseline));
        Console.WriteLine(Row($"unary Decide, dry run, {callers} callers", unary.Orders, unary.Time.TotalSeconds, unary.Orders / unary.Time.TotalSeconds, baseline));
        Console.WriteLine();
        Console.WriteLine("stream answers: " + string.Join(", ", stream.Answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} {a.Value:N0}")));
        Console.WriteLine("unary answers:  " + string.Join(", ", unary.Answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} {a.Value:N0}")));
        return 0;
    }

    private static string Row(string name, int orders, double seconds, double perSecond, double baseline, string? instead = null) =>
        instead is null
            ? string.Create(CultureInfo.InvariantCulture, $"| {name} | {orders:N0} | {seconds:0.0} | {perSecond:N0} | {perSecond / baseline:0.00}x |")
            : string.Create(CultureInfo.InvariantCulture, $"| {name} | | | {instead} | mean {baseline:N0}/s |");

    // Every order over one stream; answers counted by outcome or error status.
    private static async Task<(int Orders, TimeSpan Time, Dictionary<string, int> Answers)> StreamAsync(
        DecisionService.DecisionServiceClient client, IEnumerable<DecideRequest> orders, CancellationToken cancellationToken)
    {
        var answers = new Dictionary<string, int>(StringComparer.Ordinal);
        var stopwatch = Stopwatch.StartNew();
        using var call = client.DecideStream(cancellationToken: cancellationToken);
        var sending = Task.Run(async () =>
        {
            foreach (var order in orders)
            {
                await call.RequestStream.WriteAsync(order, cancellationToken);
            }

            await call.RequestStream.CompleteAsync();
        }, cancellationToken);
        var count = 0;
        await foreach (var answer in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            count++;
            var key = answer.Decision?.Outcome.ToString() ?? answer.Error.Status;
            answers[key] = answers.GetValueOrDefault(key) + 1;
        }

        await sending;
        return (count, stopwatch.Elapsed, answers);
    }

    // The same orders as unary calls from `callers` closed-loop callers.
    private static async Task<(int Orders, TimeSpan Time, Dictionary<string, int> Answers)> UnaryAsync(
        DecisionService.DecisionServiceClient client, List<DecideRequest> orders, int callers, CancellationToken cancellationToken)
    {
        var answers = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < orders.Count; i = Interlocked.Increment(ref next))
            {
                string key;
                try
                {
                    key = (await client.DecideAsync(orders[i], cancellationToken: cancellationToken)).Outcome.ToString();
                }
                catch (RpcException e)
                {
                    key = e.StatusCode.ToString();
                }

                answers.AddOrUpdate(key, 1, (_, n) => n + 1);
            }
        }, cancellationToken)));
        return (orders.Count, stopwatch.Elapsed, new Dictionary<string, int>(answers, StringComparer.Ordinal));
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
