using System.Collections.Concurrent;
using HdrHistogram;

namespace Diffusion.LoadTest.Load;

/// <summary>
/// Latency per call kind in HdrHistogram recorders (microseconds, 3 significant digits, up to 10 minutes), written
/// each interval to an HdrHistogram log (<see cref="Reporting.HistogramLogFile"/>: the standard interval-log format
/// HistogramLogProcessor and HdrHistogram's plotters read), one tagged histogram per call kind per interval.
/// </summary>
/// <remarks>
/// Calls complete on many threads at once, so the recorders hold <see cref="LongConcurrentHistogram"/>s: a Recorder
/// only swaps histograms safely; the histograms must take concurrent writes themselves. With plain LongHistograms,
/// racing increments left an interval's total count above the sum of its counts, and encoding it threw
/// ArgumentOutOfRangeException, which stopped two workers of the million-reservation run of 2026-12-03.
/// </remarks>
internal sealed class Latencies : IAsyncDisposable
{
    /// <summary>Highest latency recorded (µs); a longer one is clamped to it.</summary>
    public const long HighestMicros = 600_000_000;

    private readonly ConcurrentDictionary<string, Recorder> _recorders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HistogramBase> _totals = new(StringComparer.Ordinal);
    private readonly Reporting.HistogramLogFile _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private readonly Lock _flushLock = new();
    private long _intervalStartMs;

    public Latencies(string path, TimeSpan interval)
    {
        _intervalStartMs = Clock.NowMicros() / 1000;
        _log = new Reporting.HistogramLogFile(path, Clock.Instant(_intervalStartMs * 1000).UtcDateTime);
        _pump = PumpAsync(interval);
    }

    /// <summary>Records one call's latency, from <paramref name="fromMicros"/> (its intended start) until now.</summary>
    public void Record(string kind, long fromMicros)
    {
        var micros = Math.Clamp(Clock.NowMicros() - fromMicros, 1, HighestMicros);
        _recorders.GetOrAdd(kind, _ => new Recorder(1, HighestMicros, 3, (id, low, high, digits) => new LongConcurrentHistogram(id, low, high, digits)))
            .RecordValue(micros);
    }

    /// <summary>The whole run so far per kind (what has been flushed to the log).</summary>
    public IReadOnlyDictionary<string, HistogramBase> Totals => _totals;

    private async Task PumpAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                Flush();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping: the last interval is flushed by DisposeAsync.
        }
    }

    private void Flush()
    {
        lock (_flushLock)
        {
            var endMs = Clock.NowMicros() / 1000;
            foreach (var (kind, recorder) in _recorders.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                var h = recorder.GetIntervalHistogram();
                h.Tag = kind;
                h.StartTimeStamp = _intervalStartMs;
                h.EndTimeStamp = endMs;
                _log.Append(h);
                _totals.AddOrUpdate(kind, _ => h.Copy(), (_, total) => { total.Add(h); return total; });
            }

            _intervalStartMs = endMs;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
        Flush();
        _log.Dispose();
        _stop.Dispose();
    }
}
