using Diffusion.Cli;
using Spectre.Console;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return await CliApp.RunAsync(args, AnsiConsole.Console, Console.Out, Console.Error, Endpoints.FromEnvironment(), cancellation.Token);
