using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Diffusion.Cli;

/// <summary>
/// Where each service listens, found the way the services find each other: <c>--endpoint</c>, else the Aspire
/// convention <c>services__&lt;name&gt;__grpc__0</c> (environment or configuration), else the file the AppHost writes
/// when it starts, <c>.diffusion/endpoints.json</c> in the current directory or a parent
/// (<c>{ "decisions": "http://127.0.0.1:5001", "quota": "..." }</c>).
/// </summary>
internal sealed class Endpoints(IConfiguration configuration, string workingDirectory)
{
    /// <summary>The file the AppHost writes, relative to the repository root.</summary>
    public const string FileName = ".diffusion/endpoints.json";

    /// <summary>Endpoints from the process environment and the current directory.</summary>
    public static Endpoints FromEnvironment() =>
        new(new ConfigurationBuilder().AddEnvironmentVariables().Build(), Directory.GetCurrentDirectory());

    /// <summary>The address of <paramref name="service"/>; <paramref name="explicitEndpoint"/> wins when given.</summary>
    /// <exception cref="CliException">Nowhere says where the service is.</exception>
    public Uri Resolve(string service, string? explicitEndpoint)
    {
        if (!string.IsNullOrWhiteSpace(explicitEndpoint))
        {
            return Parse(explicitEndpoint, "--endpoint");
        }

        foreach (var scheme in new[] { "grpc", "http" })
        {
            var configured = configuration[$"services:{service}:{scheme}:0"];
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return Parse(configured, $"services__{service}__{scheme}__0");
            }
        }

        if (FindFile() is { } file)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            if (json.RootElement.TryGetProperty(service, out var address) && address.GetString() is { Length: > 0 } text)
            {
                return Parse(text, $"{file} \"{service}\"");
            }
        }

        throw new CliException(
            $"no endpoint for the {service} service: pass --endpoint http://127.0.0.1:<port>, set services__{service}__grpc__0, "
            + $"or start the AppHost (dotnet run --project AppHost/Diffusion.AppHost), which writes {FileName}");
    }

    private string? FindFile()
    {
        for (var dir = new DirectoryInfo(workingDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static Uri Parse(string text, string source) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new CliException($"{source}: '{text}' is not an http:// or https:// address");
}

/// <summary>A problem the user can fix (bad file, missing endpoint): printed without a stack trace, exit code 2.</summary>
internal sealed class CliException(string message) : Exception(message);
