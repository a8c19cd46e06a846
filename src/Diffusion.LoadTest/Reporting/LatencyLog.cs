using HdrHistogram;

namespace Diffusion.LoadTest.Reporting;

/// <summary>One interval histogram of one call kind, read from an HdrHistogram log.</summary>
internal sealed record LatencyInterval(string Kind, long StartMs, long EndMs, HistogramBase Histogram);

/// <summary>Reads and merges HdrHistogram interval logs (the workers' latency.hlog).</summary>
internal static class LatencyLog
{
    public static IReadOnlyList<LatencyInterval> Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new HistogramLogReader(stream);
        return [.. reader.ReadHistograms().Select(h => new LatencyInterval(h.Tag ?? "", h.StartTimeStamp, h.EndTimeStamp, h))];
    }

    /// <summary>
    /// Merges several workers' logs: histograms of the same kind whose intervals start in the same second add up,
    /// so the merged log has one histogram per kind per second of the run, in time order.
    /// </summary>
    public static IReadOnlyList<LatencyInterval> Merge(IEnumerable<LatencyInterval> intervals)
    {
        var merged = new SortedDictionary<(long Second, string Kind), LatencyInterval>();
        foreach (var i in intervals)
        {
            var key = (i.StartMs / 1000, i.Kind);
            if (merged.TryGetValue(key, out var existing))
            {
                existing.Histogram.Add(i.Histogram);
                merged[key] = existing with { StartMs = Math.Min(existing.StartMs, i.StartMs), EndMs = Math.Max(existing.EndMs, i.EndMs) };
            }
            else
            {
                merged[key] = i with { Histogram = i.Histogram.Copy() };
            }
        }

        return [.. merged.Values];
    }

    public static void Write(string path, IReadOnlyList<LatencyInterval> intervals)
    {
        var start = intervals.Count == 0 ? 0 : intervals.Min(i => i.StartMs);
        using var writer = new HistogramLogFile(path, DateTimeOffset.FromUnixTimeMilliseconds(start).UtcDateTime);
        foreach (var i in intervals)
        {
            i.Histogram.Tag = i.Kind;
            i.Histogram.StartTimeStamp = i.StartMs;
            i.Histogram.EndTimeStamp = i.EndMs;
            writer.Append(i.Histogram);
        }
    }
}
