using System.CommandLine;
using Diffusion.LoadTest.Reporting;

namespace Diffusion.LoadTest.Commands;

/// <summary><c>diffusion-loadtest merge DIR... --out DIR</c>: combines workers' results (copied from any number of machines).</summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Workers' directories, or directories holding them", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Directory of the merged results", Required = true };
        var command = new Command("merge", "Combine workers' histories, HdrHistogram logs and fault records into one directory") { inputs, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var count = await Merger.MergeAsync(parse.GetValue(inputs)!, parse.GetValue(output)!, cancellationToken);
            await Console.Out.WriteLineAsync($"merged {count} workers into {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }
}
