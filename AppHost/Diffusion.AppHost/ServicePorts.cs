namespace Diffusion.AppHost;

/// <summary>
/// The fixed loopback gRPC ports of the services under the AppHost, which the CLI, load tests and other systems rely
/// on (src/Diffusion.Cli/Endpoints.cs keeps the same table). <c>AppHost:Ports:{service}</c> overrides one, e.g.
/// <c>dotnet run --project AppHost/Diffusion.AppHost -- --AppHost:Ports:decisions=6100</c>.
/// </summary>
internal static class ServicePorts
{
    public static readonly IReadOnlyDictionary<string, int> Defaults = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["decisions"] = 5100,
        ["classification"] = 5101,
        ["quota"] = 5102,
        ["modelweights"] = 5103,
        ["endusers"] = 5104,
        // The identity provider (HTTP/1.1, OpenID Connect): the CLI and scripts get their tokens here.
        ["identity"] = 5099,
    };

    /// <summary>The gRPC port of <paramref name="service"/>: configured, else the default.</summary>
    public static int For(IConfiguration configuration, string service) =>
        configuration.GetValue<int?>($"AppHost:Ports:{service}") ?? Defaults[service];
}
