using System.Globalization;
using System.Text.Json;
using Diffusion.Decisions.V1;
using Diffusion.LoadTest.History;
using Diffusion.Quota.V1;
using Grpc.Net.Client;

namespace Diffusion.LoadTest.Load;

/// <summary>
/// One load generator: sets up the run's buckets (SetAllocation, idempotent across workers), then starts flows open
/// loop (at <see cref="WorkerOptions.Rate"/> per second, on a fixed schedule) or closed loop (<see cref="WorkerOptions.Concurrency"/>
/// at a time), and writes history.jsonl, latency.hlog and worker.json to its output directory.
/// </summary>
internal sealed class Worker(WorkerOptions options, TextWriter progress)
{
    /// <summary>File names in a worker's (and the merged) directory.</summary>
    public const string HistoryFile = "history.jsonl", LatencyFile = "latency.hlog", MetaFile = "worker.json";

    public async Task<WorkerSummary> RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        using var quotaChannel = Channel(options.Quota);
        using var decisionsChannel = options.Target is null ? null : Channel(options.Target);
        var quota = new QuotaService.QuotaServiceClient(quotaChannel);
        var decisions = decisionsChannel is null ? null : new DecisionService.DecisionServiceClient(decisionsChannel);
        var stats = new WorkerStats();
        var started = Clock.NowMicros();
        long flows;
        await using (var history = new HistoryWriter(Path.Combine(options.OutputDirectory, HistoryFile)))
        await using (var latencies = new Latencies(Path.Combine(options.OutputDirectory, LatencyFile), TimeSpan.FromSeconds(1)))
        {
            var calls = new Calls(history, latencies, stats, options.Worker, options.Deadline, options.RetryFor) { WarmingUp = options.Warmup > TimeSpan.Zero };
            await SetUpBucketsAsync(calls, quota, cancellationToken);
            var runner = new FlowRunner(calls, quota, decisions);
            var workload = new Workload(options);
            using var reporter = new CancellationTokenSource();
            var report = ProgressAsync(stats, latencies, started, reporter.Token);
            _ = EndWarmupAsync(calls, cancellationToken);
            flows = options.Rate > 0
                ? await OpenLoopAsync(workload, runner, stats, cancellationToken)
                : await ClosedLoopAsync(workload, runner, stats, cancellationToken);
            await reporter.CancelAsync();
            await report;
        }

        var summary = new WorkerSummary(options.Worker, options.RunId, started, Clock.NowMicros(), flows, stats.Attempts, stats.Errors,
            options.Rate > 0 ? "open" : "closed", options.Rate, options.Concurrency, options.Seed);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, MetaFile),
            JsonSerializer.Serialize(summary, WorkerJson.Default.WorkerSummary), cancellationToken);
        return summary;
    }

    private async Task EndWarmupAsync(Calls calls, CancellationToken cancellationToken)
    {
        await Task.Delay(options.Warmup, cancellationToken);
        calls.WarmingUp = false;
    }

    private async Task SetUpBucketsAsync(Calls calls, QuotaService.QuotaServiceClient quota, CancellationToken cancellationToken)
    {
        foreach (var bucket in options.BucketIds())
        {
            var (_, status) = await calls.RunAsync(Ops.SetAllocation, bucket, Clock.NowMicros(),
                o => quota.SetAllocationAsync(new SetAllocationRequest
                {
                    BucketId = bucket,
                    Cap = options.BucketCap,
                    Reason = $"load test {options.RunId}",
                }, o),
                (_, e) => e with { Cap = options.BucketCap },
                cancellationToken);
            if (status != Grpc.Core.StatusCode.OK)
            {
                throw new InvalidOperationException($"could not set the cap of {bucket}: {status}");
            }
        }
    }

    /// <summary>
    /// Flow n is due at start + n / rate whatever happened before it; its first call's latency counts from that
    /// instant. When <see cref="WorkerOptions.MaxInFlight"/> flows are pending the schedule waits, and the wait shows
    /// in the latency of the flows that were due meanwhile.
    /// </summary>
    private async Task<long> OpenLoopAsync(Workload workload, FlowRunner runner, WorkerStats stats, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(options.MaxInFlight);
        var start = Clock.NowMicros();
        var end = options.Flows > 0 ? long.MaxValue : start + (long)options.Duration.TotalMicroseconds;
        var pending = new List<Task>();
        long n = 0;
        for (; options.Flows == 0 || n < options.Flows; n++)
        {
            var due = start + (long)(n * 1_000_000 / options.Rate);
            if (due >= end)
            {
                break;
            }

            var plan = workload.Next(n);
            await Clock.WaitUntilAsync(due, cancellationToken);
            await slots.WaitAsync(cancellationToken);
            pending.Add(RunOneAsync(runner, plan, due, stats, slots, cancellationToken));
            if (pending.Count > 4 * options.MaxInFlight)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(pending);
        return n;
    }

    private async Task<long> ClosedLoopAsync(Workload workload, FlowRunner runner, WorkerStats stats, CancellationToken cancellationToken)
    {
        var end = options.Flows > 0 ? long.MaxValue : Clock.NowMicros() + (long)options.Duration.TotalMicroseconds;
        long next = -1;
        var gate = new Lock();
        async Task LoopAsync()
        {
            while (true)
            {
                FlowPlan plan;
                lock (gate)
                {
                    // Plans are drawn under the lock, so the seeded sequence does not depend on scheduling.
                    var n = next + 1;
                    if ((options.Flows > 0 && n >= options.Flows) || Clock.NowMicros() >= end)
                    {
                        return;
                    }

                    next = n;
                    plan = workload.Next(n);
                }

                await runner.RunAsync(plan, Clock.NowMicros(), cancellationToken);
                stats.FlowDone();
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(LoopAsync, cancellationToken)));
        return next + 1;
    }

    private static async Task RunOneAsync(FlowRunner runner, FlowPlan plan, long due, WorkerStats stats, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            await runner.RunAsync(plan, due, cancellationToken);
            stats.FlowDone();
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task ProgressAsync(WorkerStats stats, Latencies latencies, long started, CancellationToken cancellationToken)
    {
        if (options.ProgressEvery <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.ProgressEvery);
        long lastFlows = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var flows = stats.FlowsDone;
                var p99 = latencies.Totals.TryGetValue(Ops.Reserve, out var h) && h.TotalCount > 0 ? h.GetValueAtPercentile(99) / 1000.0 : double.NaN;
                await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"[{options.Worker}] {(Clock.NowMicros() - started) / 1e6,7:F1} s  flows {flows}{(options.Flows > 0 ? "/" + options.Flows : "")}  {(flows - lastFlows) / options.ProgressEvery.TotalSeconds,8:F0}/s  reserve p99 {p99:F1} ms  errors {stats.Errors}"));
                lastFlows = flows;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run is over.
        }
    }

    /// <summary>
    /// One HTTP/2 connection carries at most 100 concurrent calls, and behind DCP's proxy each connection reaches one
    /// replica; several connections spread the load over the replicas.
    /// </summary>
    private static GrpcChannel Channel(Uri address) => Tokens.Channel(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionLifetime = TimeSpan.FromSeconds(5) },
    });
}

/// <summary>What a worker did, in worker.json.</summary>
internal sealed record WorkerSummary(
    string Worker, string RunId, long StartedMicros, long EndedMicros, long Flows, long Attempts, long Errors,
    string Loop, double Rate, int Concurrency, int Seed);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(WorkerSummary))]
internal sealed partial class WorkerJson : System.Text.Json.Serialization.JsonSerializerContext;
