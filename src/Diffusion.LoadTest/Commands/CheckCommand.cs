using System.CommandLine;
using System.Text.Json;
using Diffusion.LoadTest.Checking;
using Diffusion.LoadTest.Faults;
using Diffusion.LoadTest.History;
using Diffusion.LoadTest.Load;
using Diffusion.LoadTest.Reporting;
using Diffusion.Quota.V1;

namespace Diffusion.LoadTest.Commands;

/// <summary>
/// <c>diffusion-loadtest check</c>: reads a run's merged results (merging workers' directories first when given
/// those), reads the system's final state from Quota, checks the invariants and writes the report. Exit code 0 only
/// when the checker finds nothing; 1 when it finds a violation.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var results = new Option<string>("--results") { Description = "The run's directory (merged, or holding the workers' directories)", Required = true };
        var quota = AddressOption.Create("--quota", "Quota's gRPC address", "http://127.0.0.1:5102");
        var skew = new Option<double>("--clock-skew") { Description = "Seconds the workers' clocks may differ from Quota's (expiry times come from Quota's clock)", DefaultValueFactory = _ => 1 };
        var command = new Command("check", "Check the quota invariants from a run's history and write its report (exit 0: nothing found)") { results, quota, skew };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(results)!;
            if (!File.Exists(Path.Combine(directory, Worker.HistoryFile)))
            {
                await Merger.MergeAsync([directory], directory, cancellationToken);
            }

            var summary = await CheckAsync(directory, parse.GetValue(quota)!, TimeSpan.FromSeconds(parse.GetValue(skew)), "diffusion-loadtest " + string.Join(' ', parse.Tokens.Select(t => t.Value)), Console.Out, cancellationToken);
            return summary.Passed ? 0 : 1;
        });
        return command;
    }

    /// <summary>Checks a merged directory against the system at <paramref name="quotaAddress"/> and writes its report.</summary>
    public static async Task<CheckResult> CheckAsync(string directory, Uri quotaAddress, TimeSpan clockSkew, string command, TextWriter output, CancellationToken cancellationToken)
    {
        var history = HistoryReader.Read(Path.Combine(directory, Worker.HistoryFile)).ToList();
        var faultsFile = Path.Combine(directory, Merger.FaultsFile);
        var faults = File.Exists(faultsFile)
            ? File.ReadAllLines(faultsFile).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize(l, FaultJson.Default.FaultRecord)!).ToList()
            : [];
        var latencyFile = Path.Combine(directory, Worker.LatencyFile);
        var latencies = File.Exists(latencyFile) ? LatencyLog.Read(latencyFile) : [];

        using var channel = Tokens.Channel(quotaAddress);
        var reader = new FinalStateReader(new QuotaService.QuotaServiceClient(channel), concurrency: 32, patience: TimeSpan.FromMinutes(2));
        var reservations = ReservationHistory.From(history).Keys.ToList();
        var buckets = history.SelectMany(e => e.Draws?.Select(d => d.Bucket) ?? []).Concat(Checker.OwnedCaps(history).Keys).Distinct(StringComparer.Ordinal).ToList();
        await output.WriteLineAsync($"checking {history.Count} calls: reading {reservations.Count} reservations and {buckets.Count} buckets from {quotaAddress}");
        var final = await reader.ReadAsync(reservations, buckets, cancellationToken);
        var check = Checker.Check(history, final, clockSkew);
        var summary = RunReport.Write(directory, history, latencies, faults, check, command);
        await output.WriteLineAsync($"verdict: {summary["verdict"]}; acknowledged {summary["acknowledged"]}, lost {summary["lost"]}, over cap {summary["over_cap"]}, violations {check.Violations.Count}; reserve p50 {summary["p50_ms"]} ms, p99 {summary["p99_ms"]} ms; {summary["throughput_per_s"]} calls/s");
        foreach (var v in Violation.Examples(check.Violations, 5))
        {
            await output.WriteLineAsync($"  {v.Kind} {v.Subject}: {v.Detail}");
        }

        await output.WriteLineAsync($"report: {Path.Combine(directory, RunReport.ReportFile)}");
        return check;
    }
}
