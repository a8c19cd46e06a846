using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.LoadTest.Checking;
using Diffusion.LoadTest.Faults;
using Diffusion.LoadTest.History;

namespace Diffusion.LoadTest.Reporting;

/// <summary>
/// Writes a run's results into its directory: <c>summary.json</c> (machine-readable), <c>acknowledged.csv</c> (one row
/// per draw of each acknowledged reservation: <c>reservation_id,bucket_id,tpp,state</c>), <c>report.md</c> with the
/// charts <c>throughput.png</c> and <c>latency.png</c>.
/// </summary>
internal static class RunReport
{
    public const string SummaryFile = "summary.json", AcknowledgedFile = "acknowledged.csv", ReportFile = "report.md";

    /// <summary>The latency percentiles reported, and their names in summary.json.</summary>
    private static readonly (double Percentile, string Name)[] Percentiles = [(50, "p50_ms"), (99, "p99_ms"), (99.9, "p999_ms")];

    public static JsonObject Write(string directory, IReadOnlyList<HistoryEvent> history, IReadOnlyList<LatencyInterval> latencies, IReadOnlyList<FaultRecord> faults, CheckResult check, string command)
    {
        var start = history.Count == 0 ? 0 : history.Min(e => e.InvokeMicros);
        var end = history.Count == 0 ? 0 : history.Max(e => e.CompleteMicros);
        var measured = history.Where(e => !e.Warmup).ToList();
        var measuredSpan = measured.Count == 0 ? 1 : Math.Max(1, measured.Max(e => e.CompleteMicros) - measured.Min(e => e.InvokeMicros)) / 1e6;
        var totals = latencies.GroupBy(l => l.Kind).ToDictionary(g => g.Key, g => LatencyLog.Merge(g.Select(l => l with { StartMs = 0 })).Single().Histogram, StringComparer.Ordinal);

        var summary = new JsonObject
        {
            ["verdict"] = check.Passed ? "pass" : "fail",
            ["reservations"] = history.Where(e => e.Op == Ops.Reserve).Select(e => e.Id).Distinct().Count()
                + history.Count(e => e.Op == Ops.Decide && e.IsOk && !string.IsNullOrEmpty(e.ReservationId)),
            ["acknowledged"] = check.Acknowledged.Count,
            ["over_cap"] = check.Count(ViolationKinds.OverCap),
            ["lost"] = check.Count(ViolationKinds.Lost),
            ["violations"] = new JsonObject(check.Violations.GroupBy(v => v.Kind).Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Count()))),
            ["violation_examples"] = new JsonArray([.. Violation.Examples(check.Violations, 20).Select(v => (JsonNode?)$"{v.Kind} {v.Subject}: {v.Detail}")]),
            ["calls"] = history.Count,
            ["throughput_per_s"] = Math.Round(measured.Count / measuredSpan, 1),
            ["duration_s"] = Math.Round((end - start) / 1e6, 1),
            ["latency_ms"] = new JsonObject(totals.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => KeyValuePair.Create(t.Key, (JsonNode?)LatencyOf(t.Value)))),
            ["errors_by_status"] = new JsonObject(history.Where(e => !e.IsOk).GroupBy(e => e.Op).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => KeyValuePair.Create(g.Key, (JsonNode?)new JsonObject(g.GroupBy(e => e.Status).Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Count())))))),
            ["faults"] = new JsonArray([.. faults.Select(f => JsonNode.Parse(JsonSerializer.Serialize(f, FaultJson.Default.FaultRecord)))]),
            ["command"] = command,
        };
        if (totals.TryGetValue(Ops.Reserve, out var reserve))
        {
            foreach (var (percentile, name) in Percentiles)
            {
                summary[name] = Math.Round(reserve.GetValueAtPercentile(percentile) / 1000.0, 3);
            }
        }

        File.WriteAllText(Path.Combine(directory, SummaryFile), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        WriteAcknowledged(Path.Combine(directory, AcknowledgedFile), check);
        WriteCharts(directory, history, latencies, faults, start);
        File.WriteAllText(Path.Combine(directory, ReportFile), Markdown(summary, totals, check, faults, start));
        return summary;
    }

    private static JsonObject LatencyOf(HdrHistogram.HistogramBase h)
    {
        var o = new JsonObject { ["count"] = h.TotalCount };
        foreach (var (percentile, name) in Percentiles)
        {
            o[name] = Math.Round(h.GetValueAtPercentile(percentile) / 1000.0, 3);
        }

        o["max_ms"] = Math.Round(HdrHistogram.HistogramExtensions.GetMaxValue(h) / 1000.0, 3);
        return o;
    }

    private static void WriteAcknowledged(string path, CheckResult check)
    {
        using var csv = new StreamWriter(path);
        csv.WriteLine("reservation_id,bucket_id,tpp,state");
        foreach (var r in check.Acknowledged)
        {
            foreach (var d in r.Draws)
            {
                csv.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Id},{d.Bucket},{d.Tpp},{r.FinalState}"));
            }
        }
    }

    private static void WriteCharts(string directory, IReadOnlyList<HistoryEvent> history, IReadOnlyList<LatencyInterval> latencies, IReadOnlyList<FaultRecord> faults, long start)
    {
        var perSecond = history.GroupBy(e => (e.CompleteMicros - start) / 1_000_000).OrderBy(g => g.Key).ToList();
        double[] xs = [.. perSecond.Select(g => (double)g.Key)];
        Charts.Write(Path.Combine(directory, "throughput.png"), "Calls completed per second", "calls/s",
            [
                new Charts.Series("answered (OK)", xs, [.. perSecond.Select(g => (double)g.Count(e => e.IsOk))]),
                new Charts.Series("failed (any status but OK)", xs, [.. perSecond.Select(g => (double)g.Count(e => !e.IsOk))]),
            ],
            faults, start, logScale: false);

        var series = new List<Charts.Series>();
        foreach (var kind in new[] { Ops.Reserve, Ops.Decide })
        {
            var intervals = latencies.Where(l => l.Kind == kind && l.Histogram.TotalCount > 0).OrderBy(l => l.StartMs).ToList();
            double[] t = [.. intervals.Select(l => (l.StartMs * 1000 - start) / 1e6)];
            foreach (var (percentile, name) in Percentiles)
            {
                series.Add(new Charts.Series($"{kind} {name[..^3]}", t, [.. intervals.Select(l => l.Histogram.GetValueAtPercentile(percentile) / 1000.0)]));
            }
        }

        Charts.Write(Path.Combine(directory, "latency.png"), "Latency per second (from the intended send time)", "ms (log scale)", series, faults, start, logScale: true);
    }

    private static string Markdown(JsonObject summary, IReadOnlyDictionary<string, HdrHistogram.HistogramBase> totals, CheckResult check, IReadOnlyList<FaultRecord> faults, long start)
    {
        var md = new StringBuilder();
        var line = (string text) => md.Append(text).Append('\n');
        line("# Load test report");
        line("");
        line($"Command: `{summary["command"]}`");
        line("");
        line($"**Checker verdict: {(check.Passed ? "PASS" : "FAIL")}**: {summary["acknowledged"]} reservations acknowledged, {summary["lost"]} lost, {summary["over_cap"]} over cap, {check.Violations.Count} violations in all.");
        line("");
        line($"{summary["calls"]} calls in {summary["duration_s"]} s; {summary["throughput_per_s"]} calls/s after the warm-up.");
        line("");
        line("![throughput](throughput.png)");
        line("");
        line("![latency](latency.png)");
        line("");
        line("## Latency per call kind (ms, from the intended send time, retries included)");
        line("");
        line("| call | count | p50 | p99 | p99.9 | max |");
        line("|---|---:|---:|---:|---:|---:|");
        foreach (var (kind, h) in totals.OrderBy(t => Ops.All.ToList().IndexOf(t.Key)))
        {
            line(string.Create(CultureInfo.InvariantCulture,
                $"| {kind} | {h.TotalCount} | {h.GetValueAtPercentile(50) / 1000.0:F2} | {h.GetValueAtPercentile(99) / 1000.0:F2} | {h.GetValueAtPercentile(99.9) / 1000.0:F2} | {HdrHistogram.HistogramExtensions.GetMaxValue(h) / 1000.0:F2} |"));
        }

        line("");
        line("## Faults");
        line("");
        if (faults.Count == 0)
        {
            line("None injected.");
        }

        foreach (var f in faults)
        {
            line(string.Create(CultureInfo.InvariantCulture, $"- at {(f.InjectedMicros - start) / 1e6:F1} s: {FaultInjector.Describe(f)}"));
        }

        line("");
        line("## Errors by status (every attempt, retries included)");
        line("");
        line("| call | status | attempts |");
        line("|---|---|---:|");
        foreach (var (op, statuses) in summary["errors_by_status"]!.AsObject())
        {
            foreach (var (status, count) in statuses!.AsObject())
            {
                line($"| {op} | {status} | {count} |");
            }
        }

        line("");
        line("## Violations");
        line("");
        if (check.Passed)
        {
            line("None: every acknowledged reservation is where its history says it must be, no bucket held more than its cap, retries were counted once, and Redis agrees with the ledger.");
        }

        foreach (var v in Violation.Examples(check.Violations, 50))
        {
            line($"- {v.Kind} `{v.Subject}`: {v.Detail}");
        }

        return md.ToString();
    }
}
