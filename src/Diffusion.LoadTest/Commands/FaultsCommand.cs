using System.CommandLine;
using Diffusion.LoadTest.Faults;
using Diffusion.LoadTest.Reporting;
using Diffusion.Quota.V1;
using Diffusion.LoadTest.Load;

namespace Diffusion.LoadTest.Commands;

/// <summary>
/// <c>diffusion-loadtest faults</c>: injects a fault plan into the system's processes on this machine while workers
/// elsewhere load it, and records the timeline in <c>--out/faults.jsonl</c> (merge picks it up).
/// </summary>
internal static class FaultsCommand
{
    /// <summary>Options shared with <c>run</c>.</summary>
    public sealed class Options
    {
        public Option<string?> Plan { get; } = new("--faults") { Description = "Faults and when, e.g. kill-redis@20s,kill-quota@40s,restart-postgres@60s" };
        public Option<int> SystemPid { get; } = new("--system-pid") { Description = "Pid of the AppHost (or another ancestor of the system's processes); faults go only to processes below it" };

        public void AddTo(Command command)
        {
            command.Options.Add(Plan);
            command.Options.Add(SystemPid);
        }
    }

    public static Command Create()
    {
        var options = new Options();
        var quota = AddressOption.Create("--quota", "Quota's gRPC address (to see when it serves again)", "http://127.0.0.1:5102");
        var output = new Option<string>("--out") { Description = "Directory for faults.jsonl", DefaultValueFactory = _ => "loadtest-results" };
        var probe = new Option<string>("--probe-bucket") { Description = "A bucket Quota knows, read to see that it serves", DefaultValueFactory = _ => "country/AE/2025-2027" };
        var command = new Command("faults", "Inject faults into the system's processes at chosen times and record when it recovered") { quota, output, probe };
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var plan = FaultPlan.Parse(parse.GetValue(options.Plan));
            Directory.CreateDirectory(parse.GetValue(output)!);
            using var channel = Tokens.Channel(parse.GetValue(quota)!);
            var injector = new FaultInjector(parse.GetValue(options.SystemPid), new QuotaService.QuotaServiceClient(channel), parse.GetValue(probe)!,
                Path.Combine(parse.GetValue(output)!, Merger.FaultsFile), seed: 1, Console.Error);
            var records = await injector.RunAsync(plan, cancellationToken);
            return records.All(r => r.Error is null) ? 0 : 1;
        });
        return command;
    }
}
