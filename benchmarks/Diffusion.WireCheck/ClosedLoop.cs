using System.Diagnostics;
using HdrHistogram;

namespace Diffusion.WireCheck;

/// <summary>
/// One kind of call driven by closed-loop callers (each starts its next call when its previous one ends), slice by
/// slice. Each caller records its successful calls' latencies in a histogram of its own (a caller's calls never
/// overlap, so recording takes no lock), kept over all of the kind's measured slices. A failed call is recorded in
/// <see cref="Failures"/> and never counted as a call done.
/// </summary>
/// <param name="name">The kind's name, in failures.</param>
/// <param name="call">One call (for pairs: the Reserve and its Commit); null when it succeeded and its answer was the expected one.</param>
/// <param name="concurrency">Callers.</param>
/// <param name="failures">Where failed calls go.</param>
internal sealed class ClosedLoop(string name, Func<CancellationToken, Task<Failure?>> call, int concurrency, Failures failures)
{
    /// <summary>Longest latency recorded (µs): a slower call is recorded as this.</summary>
    private const long HighestMicros = 600_000_000;

    /// <summary>A call still running this long after its slice ended is cancelled (and so counted as failed): every wait is bounded.</summary>
    private static readonly TimeSpan Overrun = TimeSpan.FromSeconds(60);

    private readonly LongHistogram[] _latencies = [.. Enumerable.Range(0, concurrency).Select(_ => new LongHistogram(HighestMicros, 3))];

    public string Name => name;

    /// <summary>
    /// Callers start calls for <paramref name="duration"/>; the slice ends when the last call started has ended.
    /// Latencies are kept only when <paramref name="measured"/> (not during the warm-up).
    /// </summary>
    public async Task<Slice> RunAsync(TimeSpan duration, bool measured, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(duration + Overrun);
        var watch = Stopwatch.StartNew();
        var counts = await Task.WhenAll(_latencies.Select(histogram => Task.Run(async () =>
        {
            long done = 0, failed = 0;
            while (watch.Elapsed < duration)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = Stopwatch.GetTimestamp();
                Failure? failure;
                try
                {
                    failure = await call(bound.Token);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    // Whatever a call throws is a failed call of this kind, reported with the rest, never lost.
                    failure = new Failure($"{name} {e.GetType().Name}", e.Message);
                }

                if (failure is { } f)
                {
                    failures.Record(f);
                    failed++;
                    continue;
                }

                if (measured)
                {
                    histogram.RecordValue(Math.Clamp((long)Stopwatch.GetElapsedTime(start).TotalMicroseconds, 1, HighestMicros));
                }

                done++;
            }

            return (Done: done, Failed: failed);
        }, cancellationToken)));
        return new Slice(counts.Sum(c => c.Done), counts.Sum(c => c.Failed), watch.Elapsed);
    }

    /// <summary>p50 and p99 (ms) over every measured slice of this kind; null when no call of it succeeded.</summary>
    public (double P50Ms, double P99Ms)? Percentiles()
    {
        var all = new LongHistogram(HighestMicros, 3);
        foreach (var histogram in _latencies)
        {
            all.Add(histogram);
        }

        return all.TotalCount == 0 ? null : (all.GetValueAtPercentile(50) / 1000.0, all.GetValueAtPercentile(99) / 1000.0);
    }
}

/// <summary>One slice: calls that succeeded, calls that failed, and the wall time until the last one ended.</summary>
internal sealed record Slice(long Done, long Failed, TimeSpan Elapsed)
{
    public double PerSecond => Done / Elapsed.TotalSeconds;
}
