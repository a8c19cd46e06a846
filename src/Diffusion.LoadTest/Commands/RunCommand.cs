using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Diffusion.LoadTest.Faults;
using Diffusion.LoadTest.Load;
using Diffusion.LoadTest.Reporting;
using Diffusion.Quota.V1;

namespace Diffusion.LoadTest.Commands;

/// <summary>
/// <c>diffusion-loadtest run</c>: the whole test from one machine: <c>--workers</c> worker processes (one: in this
/// process), the fault plan, then merge and check. Exit code 0 only when the checker finds nothing.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var load = new LoadOptions();
        var faults = new FaultsCommand.Options();
        var report = new Option<string>("--report") { Description = "Directory of the results and report", Required = true };
        var workers = new Option<int>("--workers") { Description = "Worker processes on this machine (1: this process)", DefaultValueFactory = _ => 1 };
        var command = new Command("run", "Load the system with workers, inject faults, then check the invariants and write the report") { report, workers };
        load.AddTo(command);
        faults.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var plan = FaultPlan.Parse(parse.GetValue(faults.Plan));
            if (plan.Count > 0 && parse.GetValue(faults.SystemPid) <= 0)
            {
                await Console.Error.WriteLineAsync("--faults needs --system-pid: the pid of the AppHost (faults go only to processes below it)");
                return 2;
            }

            var directory = parse.GetValue(report)!;
            var count = Math.Max(1, parse.GetValue(workers));
            var runId = load.RunIdOf(parse);
            var total = parse.GetValue(load.Reservations);
            Directory.CreateDirectory(directory);
            var template = load.Bind(parse, "w1", Path.Combine(directory, "workers", "w1"), total, runId);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"run {runId}: {count} worker(s), {(total > 0 ? total + " flows" : template.Duration.TotalSeconds + " s")}, {(template.Rate > 0 ? $"open loop at {template.Rate}/s per worker" : $"closed loop at {template.Concurrency} per worker")}, {template.Buckets} buckets of {template.BucketCap} TPP"));

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var loading = count == 1
                ? RunInProcessAsync(template, cancellationToken)
                : SpawnWorkersAsync(parse, count, total, runId, template.BucketCap, directory, cancellationToken);
            Task<IReadOnlyList<FaultRecord>> injecting = Task.FromResult<IReadOnlyList<FaultRecord>>([]);
            using var quotaChannel = Tokens.Channel(template.Quota);
            if (plan.Count > 0)
            {
                var injector = new FaultInjector(parse.GetValue(faults.SystemPid), new QuotaService.QuotaServiceClient(quotaChannel), template.BucketIds()[0],
                    Path.Combine(directory, Merger.FaultsFile), template.Seed, Console.Error);
                injecting = injector.RunAsync(plan, stop.Token);
            }

            var failedWorkers = await loading;
            await stop.CancelAsync();
            try
            {
                await injecting;
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync("the load ended before every planned fault was injected");
            }

            await Merger.MergeAsync([Path.Combine(directory, "workers")], directory, cancellationToken);
            var check = await CheckCommand.CheckAsync(directory, template.Quota, TimeSpan.FromSeconds(1),
                "diffusion-loadtest " + string.Join(' ', parse.Tokens.Select(t => t.Value)), Console.Out, cancellationToken);
            return check.Passed && failedWorkers == 0 ? 0 : 1;
        });
        return command;
    }

    private static async Task<int> RunInProcessAsync(WorkerOptions options, CancellationToken cancellationToken)
    {
        await new Worker(options, Console.Error).RunAsync(cancellationToken);
        return 0;
    }

    /// <summary>Starts <paramref name="count"/> worker processes of this tool; returns how many failed.</summary>
    private static async Task<int> SpawnWorkersAsync(ParseResult parse, int count, long total, string runId, long bucketCap, string directory, CancellationToken cancellationToken)
    {
        var self = Environment.ProcessPath!;
        var prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [typeof(RunCommand).Assembly.Location] : Array.Empty<string>();
        var forwarded = Forwarded(parse);
        var processes = new List<Process>();
        for (var i = 1; i <= count; i++)
        {
            var share = total > 0 ? (total / count) + (i <= total % count ? 1 : 0) : 0;
            var start = new ProcessStartInfo(self) { UseShellExecute = false };
            foreach (var argument in prefix.Concat(["worker", "--worker", $"w{i}", "--out", Path.Combine(directory, "workers"), "--run-id", runId,
                "--bucket-cap", bucketCap.ToString(CultureInfo.InvariantCulture), "--reservations", share.ToString(CultureInfo.InvariantCulture)]).Concat(forwarded))
            {
                start.ArgumentList.Add(argument);
            }

            processes.Add(Process.Start(start)!);
        }

        var failed = 0;
        foreach (var p in processes)
        {
            await p.WaitForExitAsync(cancellationToken);
            failed += p.ExitCode == 0 ? 0 : 1;
            p.Dispose();
        }

        return failed;
    }

    /// <summary>The load options given on the command line, passed on to each worker (those run sets itself excluded).</summary>
    private static List<string> Forwarded(ParseResult parse)
    {
        string[] own = ["--report", "--workers", "--faults", "--system-pid", "--run-id", "--bucket-cap", "--reservations"];
        var forwarded = new List<string>();
        foreach (var result in parse.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>())
        {
            if (result.Implicit || own.Contains(result.Option.Name))
            {
                continue;
            }

            forwarded.Add(result.Option.Name);
            forwarded.AddRange(result.Tokens.Select(t => t.Value));
        }

        return forwarded;
    }
}
