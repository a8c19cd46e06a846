using System.CommandLine;
using Diffusion.Cli.Commands;
using Diffusion.ServiceDefaults.Security;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Spectre.Console;

namespace Diffusion.Cli;

/// <summary>What every command needs: where to write, where the services are, and the global options.</summary>
internal sealed class CliContext(IAnsiConsole console, TextWriter output, Endpoints endpoints)
{
    /// <summary>Global: the address of the service the command talks to.</summary>
    public static readonly Option<string?> Endpoint = new("--endpoint")
    {
        Description = "Address of the service this command calls, e.g. http://127.0.0.1:5100 (default: services__<name>__grpc__0, then the AppHost's fixed port: decisions 5100, classification 5101, quota 5102)",
        Recursive = true,
    };

    /// <summary>Global: machine-readable output.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print protobuf JSON instead of tables (one object per line for batches)",
        Recursive = true,
    };

    /// <summary>Global: deadline of each call.</summary>
    public static readonly Option<double> Timeout = new("--timeout")
    {
        Description = "Deadline of each call, in seconds",
        DefaultValueFactory = _ => 30,
        Recursive = true,
    };

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithPreserveProtoFieldNames(true));
    private static readonly JsonFormatter IndentedFormatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithPreserveProtoFieldNames(true).WithIndentation());

    public IAnsiConsole Console { get; } = console;

    /// <summary>The configuration (environment) the CLI reads.</summary>
    public Microsoft.Extensions.Configuration.IConfiguration Configuration => endpoints.Configuration;

    /// <summary>Where the command's bearer token comes from.</summary>
    public LocalCredentials Credentials { get; } = new(endpoints.Configuration);

    public TextWriter Output { get; } = output;

    /// <summary>The address the last channel was opened to, and where that address came from (for error messages).</summary>
    public (Uri Address, string Source)? LastEndpoint { get; private set; }

    /// <summary>
    /// A channel to <paramref name="service"/> ("decisions", "classification", "quota"...). A command that calls two
    /// services lets --endpoint name its first (<paramref name="endpointOption"/> false for the other).
    /// </summary>
    public ChannelBase Channel(string service, ParseResult parse, bool endpointOption = true)
    {
        var endpoint = endpoints.Resolve(service, endpointOption ? parse.GetValue(Endpoint) : null);
        LastEndpoint = endpoint;
        return GrpcChannel.ForAddress(endpoint.Address, new GrpcChannelOptions().WithToken(Credentials.ForCommands()));
    }

    /// <summary>Call options with the deadline from --timeout.</summary>
    public static CallOptions Call(ParseResult parse, CancellationToken cancellationToken) =>
        new(deadline: DateTime.UtcNow.AddSeconds(Math.Max(0.05, parse.GetValue(Timeout))), cancellationToken: cancellationToken);

    /// <summary>Shows an answer: protobuf JSON with --json, else the human view.</summary>
    public void Show(ParseResult parse, IMessage message, Func<Spectre.Console.Rendering.IRenderable> view)
    {
        if (parse.GetValue(Json))
        {
            WriteJson(message);
        }
        else
        {
            Console.Write(view());
        }
    }

    /// <summary>Writes a message as protobuf JSON (snake_case names, defaults included).</summary>
    public void WriteJson(IMessage message, bool indented = true) =>
        Output.WriteLine(indented ? IndentedFormatter.Format(message) : Formatter.Format(message));
}

/// <summary>The <c>diffusion</c> command line.</summary>
internal static class CliApp
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("diffusion: export decisions for advanced AI chips and model weights (Diffusion services over gRPC)");
        root.Options.Add(CliContext.Endpoint);
        root.Options.Add(CliContext.Json);
        root.Options.Add(CliContext.Timeout);
        root.Subcommands.Add(ClassifyCommand.Create(context));
        root.Subcommands.Add(DecideCommand.Create(context));
        root.Subcommands.Add(WhatIfCommand.Create(context));
        root.Subcommands.Add(SettleCommands.Confirm(context));
        root.Subcommands.Add(SettleCommands.Cancel(context));
        root.Subcommands.Add(QuotaCommands.Create(context));
        root.Subcommands.Add(QuotaCommands.Allocations(context));
        root.Subcommands.Add(RulesCommand.Create(context));
        root.Subcommands.Add(ScreeningCommands.Create(context));
        root.Subcommands.Add(LicenceCommands.Create(context));
        root.Subcommands.Add(AuthCommand.Create(context));
        root.Subcommands.Add(AuditCommand.Create(context));
        return root;
    }

    /// <summary>Runs the command line: 0 done, 1 a service answered with an error, 2 a usage or input problem.</summary>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter output, TextWriter error, Endpoints endpoints, CancellationToken cancellationToken)
    {
        var context = new CliContext(console, output, endpoints);
        var parse = Build(context).Parse(args);
        if (parse.Errors.Count > 0)
        {
            // System.CommandLine would answer a parse error with exit code 1, which this CLI keeps for a service's error.
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync("diffusion: " + problem.Message).ConfigureAwait(false);
            }

            await error.WriteLineAsync("diffusion: see `diffusion --help`").ConfigureAwait(false);
            return 2;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            await error.WriteLineAsync("diffusion: " + e.Message).ConfigureAwait(false);
            return 2;
        }
        catch (RpcException e)
        {
            await error.WriteLineAsync($"diffusion: {e.StatusCode}: {e.Status.Detail}").ConfigureAwait(false);
            if (e.StatusCode == StatusCode.Unavailable && context.LastEndpoint is { } endpoint)
            {
                await error.WriteLineAsync(
                    $"diffusion: nothing answered at {endpoint.Address} ({endpoint.Source}); start the system with "
                    + "`dotnet run --project AppHost/Diffusion.AppHost`, or pass --endpoint").ConfigureAwait(false);
            }
            return 1;
        }
    }
}
