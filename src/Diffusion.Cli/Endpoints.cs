using Microsoft.Extensions.Configuration;

namespace Diffusion.Cli;

/// <summary>
/// Where each service listens, found the way the services find each other: <c>--endpoint</c>, else the Aspire
/// convention <c>services__&lt;name&gt;__grpc__0</c> (environment or configuration), else the fixed loopback port the
/// AppHost gives that service (<see cref="DefaultPorts"/>).
/// </summary>
internal sealed class Endpoints(IConfiguration configuration)
{
    /// <summary>The configuration the endpoints (and the credentials, <see cref="LocalCredentials"/>) are read from.</summary>
    public IConfiguration Configuration { get; } = configuration;

    /// <summary>
    /// The gRPC ports the AppHost fixes on 127.0.0.1, so the CLI, load tests and other systems can rely on them
    /// (AppHost/Diffusion.AppHost/ServicePorts.cs keeps the same table).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, int> DefaultPorts = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["decisions"] = 5100,
        ["classification"] = 5101,
        ["quota"] = 5102,
        ["modelweights"] = 5103,
        ["endusers"] = 5104,
    };

    /// <summary>Endpoints from the process environment.</summary>
    public static Endpoints FromEnvironment() => new(new ConfigurationBuilder().AddEnvironmentVariables().Build());

    /// <summary>The address of <paramref name="service"/> and where it came from; <paramref name="explicitEndpoint"/> wins when given.</summary>
    /// <exception cref="CliException">The address given is not an http(s) URL, or the service has no default port.</exception>
    public (Uri Address, string Source) Resolve(string service, string? explicitEndpoint)
    {
        if (!string.IsNullOrWhiteSpace(explicitEndpoint))
        {
            return (Parse(explicitEndpoint, "--endpoint"), "--endpoint");
        }

        var setting = $"services__{service}__grpc__0";
        var configured = Configuration[$"services:{service}:grpc:0"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return (Parse(configured, setting), setting);
        }

        return DefaultPorts.TryGetValue(service, out var port)
            ? (new Uri($"http://127.0.0.1:{port}"), "the AppHost's default port")
            : throw new CliException($"no endpoint for the {service} service: pass --endpoint http://127.0.0.1:<port> or set {setting}");
    }

    private static Uri Parse(string text, string source) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new CliException($"{source}: '{text}' is not an http:// or https:// address");
}

/// <summary>A problem the user can fix (bad file, missing endpoint): printed without a stack trace, exit code 2.</summary>
internal sealed class CliException(string message) : Exception(message);
