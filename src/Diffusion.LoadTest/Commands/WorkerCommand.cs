using System.CommandLine;
using Diffusion.LoadTest.Load;

namespace Diffusion.LoadTest.Commands;

/// <summary>
/// <c>diffusion-loadtest worker</c>: one load generator, for running many (on one machine or many, as jobs or as
/// AppHost replicas). Writes its results to <c>--out/&lt;worker&gt;/</c>; <c>merge</c> and <c>check</c> combine them.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var load = new LoadOptions();
        var name = new Option<string?>("--worker") { Description = "This worker's name, unique in the run (default: <host>-<pid>)" };
        var output = new Option<string>("--out") { Description = "Directory under which this worker writes its own directory", DefaultValueFactory = _ => "loadtest-results" };
        var command = new Command("worker", "Run one load generator and write its history and latency log") { name, output };
        load.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var worker = parse.GetValue(name) is { Length: > 0 } given ? given : $"{Environment.MachineName}-{Environment.ProcessId}";
            var runId = parse.GetValue(load.RunId);
            if (string.IsNullOrEmpty(runId))
            {
                await Console.Error.WriteLineAsync("--run-id is required for a worker: every worker of a run must share it (and --bucket-cap)");
                return 2;
            }

            var options = load.Bind(parse, worker, Path.Combine(parse.GetValue(output)!, worker), parse.GetValue(load.Reservations), runId);
            var summary = await new Worker(options, Console.Error).RunAsync(cancellationToken);
            await Console.Out.WriteLineAsync($"{summary.Worker}: {summary.Flows} flows, {summary.Attempts} calls, {summary.Errors} errors -> {options.OutputDirectory}");
            return 0;
        });
        return command;
    }
}
