using System.Globalization;

namespace Diffusion.LoadTest.Load;

/// <summary>What one worker does (every option of <c>diffusion-loadtest worker</c>; docs/load-tests.md lists them).</summary>
internal sealed record WorkerOptions
{
    /// <summary>Decisions' gRPC address; null: no Decide mix.</summary>
    public Uri? Target { get; init; }

    /// <summary>Quota's gRPC address (direct Reserve/Commit/Release mix, bucket set-up, checker).</summary>
    public required Uri Quota { get; init; }

    /// <summary>Shared by every worker of one run: names its buckets and ids.</summary>
    public required string RunId { get; init; }

    /// <summary>This worker's name (unique within the run).</summary>
    public required string Worker { get; init; }

    /// <summary>Where this worker writes history.jsonl, latency.hlog and worker.json.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Flows (a Reserve or Decide and what follows it) this worker starts; 0: until <see cref="Duration"/>.</summary>
    public long Flows { get; init; }

    /// <summary>How long to load when <see cref="Flows"/> is 0.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Open loop: flows started per second. 0: closed loop at <see cref="Concurrency"/>.</summary>
    public double Rate { get; init; }

    /// <summary>Closed loop: flows in progress at once.</summary>
    public int Concurrency { get; init; } = 32;

    /// <summary>Open loop: flows in progress beyond which the scheduler waits (their latency still counts from the schedule).</summary>
    public int MaxInFlight { get; init; } = 10_000;

    /// <summary>Calls in the first part of the run go into the history, not the latency figures.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public int Seed { get; init; } = 1;

    /// <summary>Share of flows that go through Decisions (when <see cref="Target"/> is set).</summary>
    public double DecideShare { get; init; } = 0.3;

    /// <summary>Buckets the direct Quota mix draws from (shared by all workers of the run).</summary>
    public int Buckets { get; init; } = 16;

    /// <summary>Cap of each of those buckets, whole TPP.</summary>
    public long BucketCap { get; init; } = 1_000_000;

    /// <summary>Largest single draw, whole TPP (draws are uniform in 1..this).</summary>
    public long MaxDraw { get; init; } = 4_000;

    /// <summary>TTL of the reservations left to expire.</summary>
    public TimeSpan ShortTtl { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Deadline of each attempt.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a call keeps retrying a failure that is not an answer.</summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Progress lines on stderr this often; zero: none.</summary>
    public TimeSpan ProgressEvery { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The buckets of the direct Quota mix: LPP consignee-year buckets named after the run.</summary>
    public IReadOnlyList<string> BucketIds() =>
        [.. Enumerable.Range(0, Buckets).Select(i => string.Create(CultureInfo.InvariantCulture, $"lpp/lt-{RunId}-b{i:D3}/2026"))];

    /// <summary>A cap that lets about three quarters of a run's committed draws in, so buckets fill and refuse near the end.</summary>
    public static long CapFor(long totalFlows, int buckets, long maxDraw) =>
        Math.Max(maxDraw * 10, checked(totalFlows * maxDraw / 2 * 6 / 10 * 3 / 4 / Math.Max(1, buckets)));
}
