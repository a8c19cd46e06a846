using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Diffusion.Benchmarks.Baseline;
using Diffusion.Quota.Grpc;
using Diffusion.Quota.V1;
using Diffusion.Testing.Grpc;
using Diffusion.Testing.Postgres;
using Diffusion.Testing.Redis;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Diffusion.Benchmarks.Quota;

/// <summary>
/// Quota throughput and recovery: Reserve+Commit pairs per second and latency over gRPC against the transport's empty
/// unary call measured in the same run (ratio), the pairs again at half the measured rate on a fixed schedule (open
/// loop: the p99 "at half that load"), then the time to rebuild Redis from a ledger of N reservations.
/// Real redis-server and PostgreSQL (fsync on), one quota replica on Kestrel h2c, clients in the same process.
/// Args: [--seconds 10] [--concurrency 64] [--rows 1000000] [--pending N] [--fsync on|off] [--skip-throughput] [--skip-rebuild] [--profile]
/// (--pending: about N of the rows pending, every (rows / N)-th; default every 7th)
/// [--capacity N] (Quota:LedgerQueueCapacity; Reserves it refuses with RESOURCE_EXHAUSTED are counted, not retried; Commits are retried)
/// (--profile: Redis and PostgreSQL statistics of the Reserve+Commit load, and one caller's latencies; see <see cref="QuotaProfile"/>).
/// </summary>
internal sealed class QuotaBenchmark : IBenchmark
{
    private const string Bucket = "country/AE/2025-2027";

    public string Name => "quota";

    public string Description => "Reserve+Commit/s and p50/p99 vs empty unary call; Redis rebuild time from an N-row ledger (--rows, --pending)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = IntArg(args, "--seconds", 10);
        var concurrency = IntArg(args, "--concurrency", 64);
        var rows = IntArg(args, "--rows", 1_000_000);
        var pendingEvery = args.Contains("--pending") ? Math.Max(1, rows / Math.Max(1, IntArg(args, "--pending", 1))) : 7;
        var fsync = StringArg(args, "--fsync", "on") != "off";
        var profile = args.Contains("--profile");

        await using var postgres = await PostgresServer.StartAsync(
            new PostgresServerOptions { Fsync = fsync, Settings = profile ? QuotaProfile.PostgresSettings : [] }, cancellationToken);
        await using var redis = await RedisServer.StartAsync(cancellationToken: cancellationToken);
        Console.WriteLine($"redis-server 127.0.0.1:{redis.Port}, PostgreSQL 15 127.0.0.1:{postgres.Port} (fsync {(fsync ? "on" : "off")}), {Environment.ProcessorCount} cores");

        if (!args.Contains("--skip-throughput"))
        {
            await ThroughputAsync(redis, postgres, seconds, concurrency, profile, args.Contains("--capacity") ? IntArg(args, "--capacity", 1024) : null, cancellationToken);
        }

        if (!args.Contains("--skip-rebuild"))
        {
            await RebuildAsync(redis, postgres, rows, pendingEvery, cancellationToken);
        }

        return 0;
    }

    private static async Task ThroughputAsync(RedisServer redis, PostgresServer postgres, int seconds, int concurrency, bool profile, int? capacity, CancellationToken cancellationToken)
    {
        var ledger = await postgres.CreateDatabaseAsync(cancellationToken: cancellationToken);
        var profiler = profile ? new QuotaProfile(redis.ConnectionString, ledger) : null;
        await using var server = await StartQuotaAsync(redis, ledger, "bench:", null, capacity);
        var quota = new QuotaService.QuotaServiceClient(server.Channel);
        var invoker = EmptyUnaryBaseline.Invoker(server);
        await quota.SetAllocationAsync(new SetAllocationRequest { BucketId = Bucket, Cap = (1L << 53) - 1, Reason = "benchmark" }, cancellationToken: cancellationToken);

        var next = 0L;
        var exhausted = 0L;
        var exhaustedCommits = 0L;
        Func<Task> empty = () => invoker.AsyncUnaryCall(EmptyServiceBase.PingMethod, null, default, new Empty()).ResponseAsync;
        Func<Task> reserveCommit = async () =>
        {
            var id = "b" + Interlocked.Increment(ref next).ToString(CultureInfo.InvariantCulture);
            ReserveResponse answer;
            try
            {
                answer = await quota.ReserveAsync(new ReserveRequest { ReservationId = id, Draws = { new Draw { BucketId = Bucket, Tpp = 15_832 } } });
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
            {
                // Pushed back by Quota:LedgerQueueCapacity: nothing was reserved; counted, not retried.
                Interlocked.Increment(ref exhausted);
                return;
            }

            if (answer.Outcome != ReserveOutcome.Reserved)
            {
                throw new InvalidOperationException($"unexpected {answer.Outcome}");
            }

            while (true)
            {
                try
                {
                    await quota.CommitAsync(new CommitRequest { ReservationId = id });
                    return;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
                {
                    // The reservation is held; its Commit is retried (safe: Commit is idempotent).
                    Interlocked.Increment(ref exhaustedCommits);
                }
            }
        };

        Console.WriteLine($"warm-up 3 s each, then {seconds} s per measurement, {concurrency} concurrent callers");
        await MeasureAsync(empty, concurrency, TimeSpan.FromSeconds(3), cancellationToken);
        await MeasureAsync(reserveCommit, concurrency, TimeSpan.FromSeconds(3), cancellationToken);

        var baseline1 = await MeasureAsync(empty, concurrency, TimeSpan.FromSeconds(seconds), cancellationToken);
        if (profiler is not null)
        {
            await profiler.ResetAsync(cancellationToken);
        }

        Interlocked.Exchange(ref exhausted, 0);
        Interlocked.Exchange(ref exhaustedCommits, 0);
        var pairs = await MeasureAsync(reserveCommit, concurrency, TimeSpan.FromSeconds(seconds), cancellationToken);
        var refused = Interlocked.Read(ref exhausted);
        if (profiler is not null)
        {
            await profiler.PrintAsync(pairs.Elapsed.TotalSeconds, cancellationToken);
        }

        // The issue's latency goal is at half the load just measured: pairs sent on a fixed schedule (open loop), each
        // timed from when it was due, so a stall delays the pairs behind it and counts against them (no coordinated omission).
        var halfRate = pairs.PerSecond / 2;
        var half = await OpenLoopAsync(reserveCommit, halfRate, TimeSpan.FromSeconds(seconds), cancellationToken);

        var baseline2 = await MeasureAsync(empty, concurrency, TimeSpan.FromSeconds(seconds), cancellationToken);
        var baseline = (baseline1.PerSecond + baseline2.PerSecond) / 2;

        Console.WriteLine();
        Console.WriteLine("| measurement | ops/s | p50 ms | p99 ms | CPU us/op (this process) | ratio to empty call |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Print("empty unary call (before)", baseline1, baseline);
        Print("Reserve+Commit pair (2 RPCs, 2 ledger writes)", pairs, baseline);
        Print(string.Create(CultureInfo.InvariantCulture, $"Reserve+Commit pair at half that rate, open loop ({halfRate:F0} pairs/s scheduled)"), half, baseline);
        Print("empty unary call (after)", baseline2, baseline);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESOURCE_EXHAUSTED during the pairs measurement: {refused:N0} Reserves ({refused / pairs.Elapsed.TotalSeconds:F0}/s; each counted as an op above, so pairs completed = ops - these), {Interlocked.Read(ref exhaustedCommits):N0} Commits (retried); process working set {Environment.WorkingSet / (1 << 20):N0} MiB"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RPC-for-RPC: {2 * pairs.PerSecond:F0} quota RPCs/s = {2 * pairs.PerSecond / baseline:F2}x the empty call"));

        if (profiler is not null)
        {
            // One caller: the latency of each call with nothing queued beside it.
            Func<Task> reserve = async () =>
            {
                var id = "b" + Interlocked.Increment(ref next).ToString(CultureInfo.InvariantCulture);
                await quota.ReserveAsync(new ReserveRequest { ReservationId = id, Draws = { new Draw { BucketId = Bucket, Tpp = 1 } } });
            };
            Console.WriteLine();
            Console.WriteLine("| one caller | calls/s | p50 ms | p99 ms |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var (name, call) in new[] { ("empty unary call", empty), ("Reserve", reserve), ("Reserve+Commit pair", reserveCommit) })
            {
                var m = await MeasureAsync(call, 1, TimeSpan.FromSeconds(3), cancellationToken);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {m.PerSecond:F0} | {m.P50Ms:F2} | {m.P99Ms:F2} |"));
            }
        }

        var consistency = await quota.CheckConsistencyAsync(new CheckConsistencyRequest(), cancellationToken: cancellationToken);
        Console.WriteLine($"consistency after the load: {(consistency.Consistent ? "consistent" : string.Join("; ", consistency.Discrepancies))}");
    }

    private static async Task RebuildAsync(RedisServer redis, PostgresServer postgres, int rows, int pendingEvery, CancellationToken cancellationToken)
    {
        // CheckConsistency aggregates every reservation: at 10,000,000 on a loaded machine that outlasts the default 30 s.
        var ledger = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync(cancellationToken: cancellationToken)) { CommandTimeout = 600 }.ConnectionString;
        var captured = new ConcurrentQueue<string>();
        await using var server = await StartQuotaAsync(redis, ledger, "rebuild:", captured);
        var quota = new QuotaService.QuotaServiceClient(server.Channel);

        // 1,000 buckets; every pendingEvery-th reservation pending (its record and expiry index are rebuilt too), the rest committed.
        Console.WriteLine();
        var (committed, pending) = await BulkLoadAsync(ledger, rows, pendingEvery, cancellationToken);

        Console.WriteLine($"load average before the rebuild: {LoadAverage()}");
        await redis.RestartAsync(keepData: false, cancellationToken);
        var watch = Stopwatch.StartNew();
        GetBalanceResponse? balance = null;
        while (balance is null)
        {
            try
            {
                balance = await quota.GetBalanceAsync(new GetBalanceRequest { BucketId = "lpp/c0/2026" }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && watch.Elapsed < TimeSpan.FromMinutes(10))
            {
                await Task.Delay(20, cancellationToken);
            }
        }

        var wall = watch.Elapsed;
        Console.WriteLine($"load average after the rebuild: {LoadAverage()}");
        var consistency = await quota.CheckConsistencyAsync(new CheckConsistencyRequest(), cancellationToken: cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Redis restarted empty -> first answer after rebuild: {wall.TotalSeconds:F2} s (wall, includes reconnect)"));
        foreach (var line in captured)
        {
            Console.WriteLine("  service log: " + line);
        }

        Console.WriteLine($"  bucket lpp/c0/2026 after rebuild: committed {balance.Committed}, pending {balance.Pending} (expected {committed}, {pending})");
        Console.WriteLine($"  consistency: {(consistency.Consistent ? "consistent" : "DIFFERENCES " + consistency.Discrepancies.Count)} over {consistency.BucketsChecked} buckets");
    }

    /// <summary>
    /// COPY of the reservations (the yardstick of the machine's speed: plain COPY, no code of ours), then COPY of their
    /// draws, whose insert trigger also fills the ledger's bucket totals and pending list (migration 0002); each timed.
    /// </summary>
    private static async Task<(long Committed, long Pending)> BulkLoadAsync(string ledger, int rows, int pendingEvery, CancellationToken cancellationToken)
    {
        var load = Stopwatch.StartNew();
        // No command timeout: at 10,000,000 rows on a loaded machine, finishing a COPY or an ANALYZE takes minutes.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ledger) { CommandTimeout = 0 }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var now = DateTime.UtcNow;
        var epoch = 0L;
        await using (var command = new NpgsqlCommand("SELECT epoch FROM fence", connection))
        {
            epoch = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        long committed = 0, pending = 0, pendingRows = 0;
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY reservations (reservation_id, token, state, outcome, fingerprint, expires_at, epoch, created_at, updated_at) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var i = 0; i < rows; i++)
            {
                var state = (short)(i % pendingEvery == 0 ? 1 : 2);
                pendingRows += state == 1 ? 1 : 0;
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync("bulk-" + i.ToString(CultureInfo.InvariantCulture), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid, cancellationToken);
                await writer.WriteAsync(state, NpgsqlDbType.Smallint, cancellationToken);
                await writer.WriteAsync((short)1, NpgsqlDbType.Smallint, cancellationToken);
                await writer.WriteAsync(BucketOf(i) + "=1000", NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(now.AddDays(1), NpgsqlDbType.TimestampTz, cancellationToken);
                await writer.WriteAsync(epoch, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                if (i % 1000 == 0)
                {
                    if (state == 1)
                    {
                        pending += 1000;
                    }
                    else
                    {
                        committed += 1000;
                    }
                }
            }

            await writer.CompleteAsync(cancellationToken);
        }

        var reservationsCopied = load.Elapsed;
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY reservation_draws (reservation_id, ordinal, bucket_id, tpp) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var i = 0; i < rows; i++)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync("bulk-" + i.ToString(CultureInfo.InvariantCulture), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync((short)1, NpgsqlDbType.Smallint, cancellationToken);
                await writer.WriteAsync(BucketOf(i), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(1000L, NpgsqlDbType.Bigint, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        var drawsCopied = load.Elapsed - reservationsCopied;
        await using (var analyze = new NpgsqlCommand("ANALYZE reservations; ANALYZE reservation_draws; ANALYZE pending_reservations", connection))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        // Bucket lpp/c0/2026 holds reservations 0, 1000, 2000, ...: every pendingEvery-th of those is pending.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ledger bulk-loaded: {rows:N0} reservations, {pendingRows:N0} pending, in {load.Elapsed.TotalSeconds:F1} s: COPY of the reservations {reservationsCopied.TotalSeconds:F1} s (the machine's yardstick), COPY of their draws with the totals and pending list kept by the ledger's trigger {drawsCopied.TotalSeconds:F1} s"));
        return (committed, pending);
    }

    /// <summary>The machine's 1, 5 and 15 minute load averages (shared cores: every figure is read beside them).</summary>
    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

    private static string BucketOf(int i) => "lpp/c" + (i % 1000).ToString(CultureInfo.InvariantCulture) + "/2026";

    private static Task<GrpcTestServer> StartQuotaAsync(RedisServer redis, string ledger, string prefix, ConcurrentQueue<string>? captured, int? capacity = null) =>
        GrpcTestServer.StartAsync(
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["ConnectionStrings:redis"] = redis.ConnectionString,
                    ["ConnectionStrings:ledger"] = ledger,
                    ["Quota:RedisKeyPrefix"] = prefix,
                    ["Quota:DefaultRuleSet"] = "aid-2026",
                });
                if (capacity is { } places)
                {
                    builder.Configuration["Quota:LedgerQueueCapacity"] = places.ToString(CultureInfo.InvariantCulture);
                }

                builder.Logging.ClearProviders();
                if (captured is not null)
                {
                    builder.Logging.SetMinimumLevel(LogLevel.Information);
                    builder.Logging.AddProvider(new CaptureLoggerProvider(captured));
                }

                // As Program.cs: every call's bearer token validated (the channel carries the tests' token; the
                // empty baseline is open, nothing behind it), so the ratio includes what JWT validation costs.
                builder.AddDiffusionAuthentication();
                builder.AddQuotaServices();
            },
            app =>
            {
                app.MapGrpcService<QuotaGrpcService>();
                EmptyUnaryBaseline.Map(app);
            });

    private static async Task<Measurement> MeasureAsync(Func<Task> operation, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var latencies = new List<long>[concurrency];
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = new List<long>(1 << 16);
            while (stop.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                await operation();
                mine.Add(Stopwatch.GetTimestamp() - start);
            }
        }, cancellationToken)));
        return Measurement.Of(latencies.SelectMany(l => l), stop.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    /// <summary>
    /// <paramref name="operation"/> started <paramref name="rate"/> times a second on a fixed schedule, whatever is still
    /// running; each latency runs from when the operation was due, not from when it was sent (wrk2's way), so a stalled
    /// service makes every operation due behind the stall late.
    /// </summary>
    private static async Task<Measurement> OpenLoopAsync(Func<Task> operation, double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var latencies = new ConcurrentBag<long>();
        var lateness = new ConcurrentBag<long>();
        var running = new List<Task>();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        var stop = Stopwatch.StartNew();
        for (var i = 0L; stop.Elapsed < duration && !cancellationToken.IsCancellationRequested; i++)
        {
            var due = start + (long)(i / rate * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            running.Add(Task.Run(async () =>
            {
                lateness.Add(Stopwatch.GetTimestamp() - due);
                await operation();
                latencies.Add(Stopwatch.GetTimestamp() - due);
            }, cancellationToken));
        }

        await Task.WhenAll(running);
        var measured = Measurement.Of(latencies, stop.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
        var late = lateness.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"open loop at {rate:F0}/s: operations started late by p50 {Percentile(late, 0.50):F2} ms, p99 {Percentile(late, 0.99):F2} ms (the generator's own lag on these cores; counted in the latencies)"));
        return measured;
    }

    private static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))] * 1000.0 / Stopwatch.Frequency;

    private static void Print(string name, Measurement m, double baseline) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {m.PerSecond:F0} | {m.P50Ms:F2} | {m.P99Ms:F2} | {m.CpuUsPerOp:F0} | {m.PerSecond / baseline:F2}x |"));

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string StringArg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    /// <summary>One measurement; CpuUsPerOp is this process's CPU time (client and service together) per operation.</summary>
    private sealed record Measurement(TimeSpan Elapsed, double PerSecond, double P50Ms, double P99Ms, double CpuUsPerOp)
    {
        /// <summary>The measurement of operations that took <paramref name="latencies"/> (Stopwatch ticks) in <paramref name="elapsed"/>.</summary>
        public static Measurement Of(IEnumerable<long> latencies, TimeSpan elapsed, TimeSpan cpu)
        {
            var sorted = latencies.Order().ToArray();
            return new Measurement(elapsed, sorted.Length / elapsed.TotalSeconds, Percentile(sorted, 0.50), Percentile(sorted, 0.99), cpu.TotalMicroseconds / Math.Max(1, sorted.Length));
        }
    }

    private sealed class CaptureLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CaptureLogger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class CaptureLogger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel == LogLevel.Information && category.Contains("RecoveryCoordinator", StringComparison.Ordinal);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    lines.Enqueue(formatter(state, exception));
                }
            }
        }
    }
}
