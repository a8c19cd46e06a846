using System.Diagnostics;
using System.Globalization;
using Diffusion.Benchmarks.Baseline;
using Diffusion.Decisions.V1;
using Diffusion.Storage.Audit;
using Diffusion.Testing.Hosts;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Diffusion.Benchmarks.Decisions;

/// <summary>
/// Decide end to end through every service it composes (Classification, Quota on real Redis and PostgreSQL with fsync;
/// each service on its own Kestrel h2c port in this process), against the transport's empty unary call in the same
/// run: calls/s and p50/p99 latency. Interleaved slices so the shared machine's load hits every case alike.
/// Arguments: <c>[seconds per case, default 10] [concurrent callers, default 16]</c>.
/// </summary>
internal sealed class DecisionsBenchmark : IBenchmark
{
    private static readonly Timestamp AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private const string UnauditedReserved = "Decide, LPP reserved, not audited (before the audit trail)";
    private const string UnauditedTier3 = "Decide, Tier 3, not audited (before the audit trail)";
    private long orders;

    public string Name => "decisions";

    public string Description => "Decide/s and p50/p99 end to end through all services vs the empty unary call (same run)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
        await using var stack = await DiffusionStack.StartAsync(new DiffusionStackOptions { DurableServers = true, MapAlso = EmptyUnaryBaseline.Map });
        var decisions = stack.Decisions;
        // Decisions wired alike but appending nowhere: what the audit trail costs, measured in the same run.
        var unauditedServer = await stack.StartDecisionsVariantAsync(b => b.Services.Replace(ServiceDescriptor.Singleton<IAuditTrail, NoAuditTrail>()));
        var emptyInvoker = EmptyUnaryBaseline.Invoker(decisions);
        var client = new DecisionService.DecisionServiceClient(decisions.Channel);
        var unaudited = new DecisionService.DecisionServiceClient(unauditedServer.Channel);
        var empty = new Empty();
        var cases = new (string Name, Func<Task> Call)[]
        {
            ("empty unary (baseline)", async () => await emptyInvoker.AsyncUnaryCall(EmptyServiceBase.PingMethod, null, default, empty)),
            ("Decide, dry run (Classify + GetBalance)", async () => await client.DecideAsync(Order(dryRun: true))),
            ("Decide, LPP reserved (Classify + Reserve, durable)", async () => await client.DecideAsync(Order(dryRun: false))),
            ("Decide, Tier 3 (Classify only, nothing to reserve)", async () => await client.DecideAsync(Order(dryRun: false, destination: "CN"))),
            ("Decide, Tier 3, 8 lines (classification only)", async () => await client.DecideAsync(Order(dryRun: false, destination: "CN", lines: 8))),
            (UnauditedReserved, async () => await unaudited.DecideAsync(Order(dryRun: false))),
            (UnauditedTier3, async () => await unaudited.DecideAsync(Order(dryRun: false, destination: "CN"))),
        };

        Console.WriteLine($"decisions benchmark: {Math.Max(1, seconds / 2)} interleaved rounds of 2 s per case, {concurrency} concurrent callers, {Environment.ProcessorCount} cores (client, 4 services, Redis and PostgreSQL all on them)");
        foreach (var (_, call) in cases)
        {
            await MeasureAsync(call, concurrency, TimeSpan.FromSeconds(1), cancellationToken);
        }

        var results = cases.Select(_ => new Measurement()).ToArray();
        for (var round = 0; round < Math.Max(1, seconds / 2); round++)
        {
            for (var i = 0; i < cases.Length; i++)
            {
                results[i].Add(await MeasureAsync(cases[i].Call, concurrency, TimeSpan.FromSeconds(2), cancellationToken));
            }
        }

        var baseline = results[0].PerSecond;
        Console.WriteLine();
        Console.WriteLine("| call | calls/s | vs empty unary | p50 ms | p99 ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        for (var i = 0; i < cases.Length; i++)
        {
            var r = results[i];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {cases[i].Name} | {r.PerSecond:N0} | {r.PerSecond / baseline:P1} | {r.Percentile(0.50):0.00} | {r.Percentile(0.99):0.00} |"));
        }

        // What the audit trail costs: the same orders decided by the same code, with and without its durable append.
        var names = cases.Select(c => c.Name).ToList();
        foreach (var (audited, before) in new[] { (2, names.IndexOf(UnauditedReserved)), (3, names.IndexOf(UnauditedTier3)) })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"audited / not audited, {cases[audited].Name}: {results[audited].PerSecond / results[before].PerSecond:0.00}x calls/s, p50 {results[audited].Percentile(0.50) / results[before].Percentile(0.50):0.00}x"));
        }

        return 0;
    }

    // A fresh order each call: 8 H100 to a Tier 2 destination; consignees rotate so no LPP cap (26.9M TPP a year) runs out.
    private DecideRequest Order(bool dryRun, string destination = "AE", int lines = 1)
    {
        var n = Interlocked.Increment(ref orders);
        var order = new DecideRequest
        {
            OrderId = string.Create(CultureInfo.InvariantCulture, $"bench-{Environment.ProcessId}-{n}"),
            DestinationCountry = destination,
            Consignee = new Consignee { Id = string.Create(CultureInfo.InvariantCulture, $"bench-{Environment.ProcessId}-{n / 100}"), HeadquartersCountry = destination },
            AsOf = AsOf,
            DryRun = dryRun,
            Items = { new OrderItem { KnownChip = "NVIDIA H100 SXM", Quantity = 8 } },
        };
        for (var line = 1; line < lines; line++)
        {
            order.Items.Add(new OrderItem { KnownChip = line % 2 == 0 ? "NVIDIA H100 SXM" : "NVIDIA H200 SXM", Quantity = (uint)line });
        }

        return order;
    }

    // Every latency of `concurrency` callers looping until the duration is over, and the time taken; every call must succeed.
    private static async Task<(List<double> LatenciesMs, TimeSpan Time)> MeasureAsync(Func<Task> call, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            while (stopwatch.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                await call();
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            return latencies;
        }, cancellationToken));
        var all = await Task.WhenAll(workers);
        return ([.. all.SelectMany(l => l)], stopwatch.Elapsed);
    }

    private sealed class Measurement
    {
        private readonly List<double> latencies = [];
        private TimeSpan time;

        public double PerSecond => latencies.Count / time.TotalSeconds;

        public void Add((List<double> LatenciesMs, TimeSpan Time) slice)
        {
            latencies.AddRange(slice.LatenciesMs);
            time += slice.Time;
        }

        public double Percentile(double p)
        {
            latencies.Sort();
            return latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
        }
    }
}
