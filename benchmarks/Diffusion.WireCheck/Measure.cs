using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Diffusion.Benchmarks.Baseline;
using Diffusion.LoadTest.Commands;
using Diffusion.Quota.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace Diffusion.WireCheck;

/// <summary>
/// <c>measure</c>: Reserve+Commit pairs on a running Quota against empty unary calls to the separate empty server,
/// from this process, one <see cref="GrpcChannel"/> per target (as a real client holds one). The same pairs as the
/// in-process harness (benchmarks/Diffusion.Benchmarks/Quota/QuotaBenchmark.cs): one hot bucket, its cap raised with
/// SetAllocation so nothing is refused, 15,832 TPP a Reserve, each Reserve then committed. After a warm-up of each,
/// slices alternate (empty, pairs, empty, pairs, ...) so the machine's load changes hit both alike. Exit code 0 only
/// when every call succeeded with the expected answer; 1 when any failed; 2 when the targets could not be reached.
/// </summary>
internal static class Measure
{
    /// <summary>What SetAllocation raises the bucket's cap to: as the harness does, far beyond any run's draws.</summary>
    private const long Unbounded = (1L << 53) - 1;

    private static readonly Empty EmptyMessage = new();

    public static Command Create()
    {
        var quota = AddressOption.Create("--quota", "Quota's gRPC address (the caller presents a bearer token: DIFFUSION_TOKEN or Auth__* client credentials)", null);
        quota.Required = true;
        var empty = AddressOption.Create("--empty", "The empty server's address (Diffusion.WireCheck empty-server)", null);
        empty.Required = true;
        var concurrency = Positive(new Option<int>("--concurrency") { Description = "Closed-loop callers per slice", DefaultValueFactory = _ => 64 });
        var slice = Positive(new Option<double>("--slice-seconds") { Description = "Length of each slice", DefaultValueFactory = _ => 2 });
        var rounds = Positive(new Option<int>("--rounds") { Description = "Rounds of (empty slice, pairs slice)", DefaultValueFactory = _ => 10 });
        var warmup = new Option<double>("--warmup-seconds") { Description = "Warm-up of each kind before the rounds (not measured)", DefaultValueFactory = _ => 3 };
        var bucket = new Option<string>("--bucket") { Description = "The hot bucket (its cap is raised to 2^53-1: use a system of its own)", DefaultValueFactory = _ => "country/AE/2025-2027" };
        var tpp = Positive(new Option<long>("--tpp") { Description = "TPP drawn by each Reserve", DefaultValueFactory = _ => 15_832 });
        var wait = new Option<double>("--wait-seconds") { Description = "How long to wait for both targets to answer at start", DefaultValueFactory = _ => 180 };
        var command = new Command("measure", "Reserve+Commit pairs on Quota vs empty calls to the empty server, interleaved; prints a markdown table")
        {
            quota, empty, concurrency, slice, rounds, warmup, bucket, tpp, wait,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new Settings(parse.GetValue(quota)!, parse.GetValue(empty)!, parse.GetValue(concurrency), TimeSpan.FromSeconds(parse.GetValue(slice)),
                parse.GetValue(rounds), TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(warmup))), parse.GetValue(bucket)!, parse.GetValue(tpp),
                TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(wait)))),
            Console.Out, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Settings settings, TextWriter output, CancellationToken cancellationToken)
    {
        using var quotaChannel = Token.Channel(settings.Quota);
        if (quotaChannel is null)
        {
            await Console.Error.WriteLineAsync("no token: set DIFFUSION_TOKEN, or Auth__Authority, Auth__Client__ClientId and Auth__Client__ClientSecret (roles officer and service)");
            return 2;
        }

        using var emptyChannel = GrpcChannel.ForAddress(settings.Empty);
        var quota = new QuotaService.QuotaServiceClient(quotaChannel);
        var emptyCalls = emptyChannel.CreateCallInvoker();
        try
        {
            await WaitForAsync("the empty server", async ct => await emptyCalls.AsyncUnaryCall(EmptyServiceBase.PingMethod, null, new CallOptions(cancellationToken: ct), EmptyMessage), settings.Wait, output, cancellationToken);
            await WaitForAsync("Quota (SetAllocation)", async ct => await quota.SetAllocationAsync(
                new SetAllocationRequest { BucketId = settings.Bucket, Cap = Unbounded, Reason = "wire check (issue 17): nothing refused during the measurement" }, cancellationToken: ct),
                settings.Wait, output, cancellationToken);
        }
        catch (RpcException e)
        {
            await Console.Error.WriteLineAsync($"could not start: {e.StatusCode} {e.Status.Detail}");
            return 2;
        }

        var failures = new Failures();
        var run = "wire-" + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture) + "-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-";
        var next = 0L;
        var emptyLoop = new ClosedLoop("empty", async ct =>
        {
            await emptyCalls.AsyncUnaryCall(EmptyServiceBase.PingMethod, null, new CallOptions(cancellationToken: ct), EmptyMessage);
            return null;
        }, settings.Concurrency, failures);
        var pairLoop = new ClosedLoop("pair", ct => PairAsync(quota, run + Interlocked.Increment(ref next).ToString(CultureInfo.InvariantCulture), settings, ct), settings.Concurrency, failures);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Quota {settings.Quota} (bearer token) vs empty server {settings.Empty}; {settings.Concurrency} callers; warm-up {settings.Warmup.TotalSeconds:0.#} s each; {settings.Rounds} rounds of {settings.Slice.TotalSeconds:0.#} s slices (empty, pairs); bucket {settings.Bucket}, {settings.Tpp} TPP a pair; {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
        await emptyLoop.RunAsync(settings.Warmup, measured: false, cancellationToken);
        await pairLoop.RunAsync(settings.Warmup, measured: false, cancellationToken);

        var rounds = new List<(Slice Empty, Slice Pairs)>();
        for (var round = 0; round < settings.Rounds; round++)
        {
            rounds.Add((await emptyLoop.RunAsync(settings.Slice, measured: true, cancellationToken), await pairLoop.RunAsync(settings.Slice, measured: true, cancellationToken)));
        }

        Report(output, settings, rounds, emptyLoop, pairLoop);
        if (failures.Total > 0)
        {
            output.WriteLine($"FAILED: {failures.Total:N0} calls failed or answered otherwise than expected (warm-up included); the figures above count only the calls that succeeded:");
            failures.Print(output);
            return 1;
        }

        return 0;
    }

    /// <summary>One pair: Reserve (must answer RESERVED), then Commit of it (must answer COMMITTED).</summary>
    private static async Task<Failure?> PairAsync(QuotaService.QuotaServiceClient quota, string id, Settings settings, CancellationToken cancellationToken)
    {
        ReserveResponse reserved;
        try
        {
            reserved = await quota.ReserveAsync(new ReserveRequest { ReservationId = id, Draws = { new Draw { BucketId = settings.Bucket, Tpp = settings.Tpp } } }, cancellationToken: cancellationToken);
        }
        catch (RpcException e)
        {
            return new Failure($"Reserve {e.StatusCode}", e.Status.Detail);
        }

        if (reserved.Outcome != ReserveOutcome.Reserved)
        {
            return new Failure($"Reserve outcome {reserved.Outcome}", $"{id}: {string.Join("; ", reserved.Reasons.Select(r => r.Code))}");
        }

        CommitResponse committed;
        try
        {
            committed = await quota.CommitAsync(new CommitRequest { ReservationId = id }, cancellationToken: cancellationToken);
        }
        catch (RpcException e)
        {
            return new Failure($"Commit {e.StatusCode}", $"{id}: {e.Status.Detail}");
        }

        return committed.State == ReservationState.Committed ? null : new Failure($"Commit state {committed.State}", id);
    }

    private static void Report(TextWriter output, Settings settings, List<(Slice Empty, Slice Pairs)> rounds, ClosedLoop empty, ClosedLoop pairs)
    {
        var ratios = rounds.Select(r => r.Empty.Done == 0 ? 0 : r.Pairs.PerSecond / r.Empty.PerSecond).ToList();
        output.WriteLine();
        output.WriteLine("| round | empty calls/s | pairs/s | pairs/s / empty calls/s |");
        output.WriteLine("|---:|---:|---:|---:|");
        for (var i = 0; i < rounds.Count; i++)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {i + 1} | {rounds[i].Empty.PerSecond:N0} | {rounds[i].Pairs.PerSecond:N0} | {ratios[i]:F3}x |"));
        }

        var emptyRate = Rate(rounds.Select(r => r.Empty));
        var pairRate = Rate(rounds.Select(r => r.Pairs));
        output.WriteLine();
        output.WriteLine("| call | calls/s | p50 ms | p99 ms | failed |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        Row(output, $"empty unary call (separate process, {settings.Empty})", emptyRate, empty, rounds.Sum(r => r.Empty.Failed));
        Row(output, $"Reserve+Commit pair (Quota, {settings.Quota}; latency of both calls)", pairRate, pairs, rounds.Sum(r => r.Pairs.Failed));
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"**pairs/s / empty calls/s: {(emptyRate == 0 ? 0 : pairRate / emptyRate):F3}x** (per round: min {ratios.Min():F3}x, max {ratios.Max():F3}x); load average after: {LoadAverage()}"));
    }

    private static void Row(TextWriter output, string name, double rate, ClosedLoop loop, long failed)
    {
        var latency = loop.Percentiles() is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p.P50Ms:F2} | {p.P99Ms:F2}") : "n/a | n/a";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {rate:N0} | {latency} | {failed:N0} |"));
    }

    /// <summary>Calls done over all the slices' time.</summary>
    private static double Rate(IEnumerable<Slice> slices)
    {
        var list = slices.ToList();
        return list.Sum(s => s.Done) / list.Sum(s => s.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Calls <paramref name="call"/> until it answers, for at most <paramref name="patience"/> (the system may still be
    /// starting: its identity provider, Quota's ledger migrations); then the last error is thrown.
    /// </summary>
    private static async Task WaitForAsync(string what, Func<CancellationToken, Task> call, TimeSpan patience, TextWriter output, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var nextWord = TimeSpan.Zero;
        while (true)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                await call(attempt.Token);
                return;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Unauthenticated or StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled
                && !cancellationToken.IsCancellationRequested && watch.Elapsed < patience)
            {
                if (watch.Elapsed >= nextWord)
                {
                    nextWord = watch.Elapsed + TimeSpan.FromSeconds(10);
                    output.WriteLine($"waiting for {what}: {e.StatusCode} {e.Status.Detail}");
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    /// <summary>The machine's 1, 5 and 15 minute load averages (shared cores: every figure is read beside them).</summary>
    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "n/a";

    private static Option<T> Positive<T>(Option<T> option)
        where T : struct, System.Numerics.INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (result.GetValue(option) <= T.Zero)
            {
                result.AddError($"{option.Name} must be more than 0");
            }
        });
        return option;
    }

    private sealed record Settings(Uri Quota, Uri Empty, int Concurrency, TimeSpan Slice, int Rounds, TimeSpan Warmup, string Bucket, long Tpp, TimeSpan Wait);
}
