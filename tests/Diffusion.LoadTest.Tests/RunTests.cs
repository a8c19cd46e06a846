using System.Text.Json.Nodes;
using Diffusion.LoadTest.Commands;
using Diffusion.LoadTest.History;
using Diffusion.LoadTest.Reporting;

namespace Diffusion.LoadTest.Tests;

[CollectionDefinition(Name)]
public sealed class LoadStackCollection : ICollectionFixture<DiffusionStack>
{
    public const string Name = "load stack";
}

/// <summary>
/// The tool end to end, as a user runs it, against the real services (Decisions and everything it composes; Quota on
/// a real redis-server and PostgreSQL; gRPC over Kestrel): a short mixed run passes the checker, and the same run's
/// history with a planted lost reservation fails it.
/// </summary>
[Collection(LoadStackCollection.Name)]
public sealed class RunTests(DiffusionStack stack) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"diffusion-loadtest-{Guid.NewGuid():N}");

    static RunTests()
    {
        // The tool reads its token from the environment, as workers under the AppHost do (and spawned workers inherit it).
        Environment.SetEnvironmentVariable(Diffusion.ServiceDefaults.Security.BearerTokens.TokenVariable, Diffusion.Testing.Auth.TestTokens.AllRoles());
    }

    [Fact]
    public async Task Run_ShortMixedRunAgainstRealServices_PassesTheCheckerAndWritesTheReport()
    {
        var exit = await RunAsync();

        Assert.Equal(0, exit);
        var summary = Summary();
        Assert.Equal("pass", (string?)summary["verdict"]);
        Assert.Equal(0, (int)summary["lost"]!);
        Assert.Equal(0, (int)summary["over_cap"]!);
        Assert.True((int)summary["acknowledged"]! > 50, summary.ToJsonString());
        Assert.True((double)summary["p99_ms"]! > 0);

        var history = HistoryReader.Read(Path.Combine(_directory, "history.jsonl")).ToList();
        // The mix reached every path: both services, commits and releases through both, refusals at the caps.
        foreach (var op in new[] { Ops.Reserve, Ops.Commit, Ops.Release, Ops.Decide, Ops.DecideDryRun, Ops.Confirm, Ops.Cancel, Ops.Hostile })
        {
            Assert.Contains(history, e => e.Op == op && e.IsOk == (op != Ops.Hostile));
        }

        Assert.Contains(history, e => e.Op == Ops.Reserve && e.Outcome == "INSUFFICIENT");
        Assert.All(history.Where(e => e.Op == Ops.Hostile), e => Assert.Equal("INVALID_ARGUMENT", e.Status));

        var acknowledgedRows = File.ReadAllLines(Path.Combine(_directory, RunReport.AcknowledgedFile));
        Assert.Equal("reservation_id,bucket_id,tpp,state", acknowledgedRows[0]);
        Assert.True(acknowledgedRows.Length > (int)summary["acknowledged"]!);
        Assert.Contains("**Checker verdict: PASS**", File.ReadAllText(Path.Combine(_directory, RunReport.ReportFile)), StringComparison.Ordinal);
        Assert.True(new FileInfo(Path.Combine(_directory, "latency.png")).Length > 1000);
        Assert.True(new FileInfo(Path.Combine(_directory, "throughput.png")).Length > 1000);
        Assert.Contains(LatencyLog.Read(Path.Combine(_directory, "latency.hlog")), i => i.Kind == Ops.Reserve && i.Histogram.TotalCount > 0);
    }

    [Fact]
    public async Task Check_RealRunsHistoryWithAPlantedLostReservation_ExitsNonZero()
    {
        Assert.Equal(0, await RunAsync());
        var history = HistoryReader.Read(Path.Combine(_directory, "history.jsonl")).ToList();
        var bucket = history.First(e => e.Op == Ops.SetAllocation).Id;
        var cap = history.First(e => e.Op == Ops.SetAllocation).Cap!.Value;
        var now = history.Max(e => e.CompleteMicros);
        // A Reserve the service never saw, recorded as acknowledged: a whole cap's worth, held at the end of the run.
        var planted = new HistoryEvent
        {
            Op = Ops.Reserve, Worker = "planted", Id = $"planted-{Guid.NewGuid():N}", Draws = [new HistoryDraw(bucket, cap)],
            Status = "OK", Outcome = "RESERVED", InvokeMicros = now, CompleteMicros = now + 1, ExpiresMicros = now + 3_600_000_000,
        };
        await using (var writer = new HistoryWriter(Path.Combine(_directory, "planted.jsonl")))
        {
            writer.Append(planted);
        }

        await File.AppendAllTextAsync(Path.Combine(_directory, "history.jsonl"), await File.ReadAllTextAsync(Path.Combine(_directory, "planted.jsonl")));

        var exit = await LoadTestApp.Build().Parse(["check", "--results", _directory, "--quota", stack.Quota.Address.ToString()]).InvokeAsync();

        Assert.Equal(1, exit);
        var summary = Summary();
        Assert.Equal("fail", (string?)summary["verdict"]);
        Assert.Equal(1, (int)summary["lost"]!);
        Assert.True((int)summary["over_cap"]! >= 1, summary.ToJsonString());
    }

    private Task<int> RunAsync() => LoadTestApp.Build().Parse(
    [
        "run",
        "--target", stack.Decisions.Address.ToString(),
        "--quota", stack.Quota.Address.ToString(),
        "--reservations", "600",
        "--concurrency", "16",
        "--decide-share", "0.4",
        "--warmup", "0.5",
        "--buckets", "4",
        "--bucket-cap", "60000",
        "--short-ttl", "1",
        "--report", _directory,
    ]).InvokeAsync();

    private JsonNode Summary() => JsonNode.Parse(File.ReadAllText(Path.Combine(_directory, RunReport.SummaryFile)))!;

    public void Dispose()
    {
        if (Directory.Exists(_directory) && Environment.GetEnvironmentVariable("KEEP") is null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
