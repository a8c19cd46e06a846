using Diffusion.ServiceDefaults.Security;
using Diffusion.Testing.Auth;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace Diffusion.Cli.Tests;

/// <summary>Runs the real command line in-process, capturing what it prints.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Diffusion.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("no Diffusion.sln above " + AppContext.BaseDirectory);
    }

    public static string Sample(string name) => Path.Combine(RepositoryRoot(), "samples", name);

    public static async Task<CliRun> RunAsync(
        string[] args, IReadOnlyDictionary<string, string?>? configuration = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        // Every command presents a token of the tests' issuer, which the services under test trust (unless the test says otherwise).
        var settings = new Dictionary<string, string?> { [BearerTokens.TokenVariable] = TestTokens.AllRoles() };
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var endpoints = new Endpoints(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        var code = await CliApp.RunAsync(args, console, output, error, endpoints, CancellationToken.None);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
