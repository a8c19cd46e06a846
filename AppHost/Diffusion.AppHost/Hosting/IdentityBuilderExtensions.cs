using Diffusion.AppHost.Hosting;

namespace Aspire.Hosting;

/// <summary>
/// The identity provider (src/Diffusion.Identity) as a resource, its clients, and how a service learns to check tokens
/// and to get its own.
/// </summary>
public static class IdentityBuilderExtensions
{
    /// <summary>Name of the identity provider's endpoint.</summary>
    public const string EndpointName = "http";

    /// <summary>Client id of the CLI's local use (its secret: <c>.diffusion/secrets/cli</c>).</summary>
    public const string CliClientId = "cli";

    /// <summary>
    /// Adds the identity provider on <paramref name="port"/> (HTTP/1.1 on loopback), its signing key kept under
    /// <paramref name="dataDirectory"/>/identity, with a client for the CLI's local use (every role a person may hold).
    /// </summary>
    internal static IResourceBuilder<ProjectResource> AddIdentityProvider(this IDistributedApplicationBuilder builder, string name, int port, string dataDirectory, LocalSecrets secrets)
    {
        var identity = builder.AddProject<Projects.Diffusion_Identity>(name)
            .WithHttpEndpoint(port: port, name: EndpointName)
            .WithHttpHealthCheck("/health", endpointName: EndpointName);
        var endpoint = identity.GetEndpoint(EndpointName);
        identity.WithEnvironment("Identity__Issuer", ReferenceExpression.Create($"{endpoint}/"))
            .WithEnvironment("Identity__KeyDirectory", Path.Combine(dataDirectory, "identity"))
            .WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "1000");
        identity.WithClient(builder, secrets, CliClientId, Diffusion.ServiceDefaults.Security.Roles.People);
        return identity;
    }

    /// <summary>Registers client <paramref name="clientId"/> with <paramref name="roles"/> at the identity provider; returns its secret.</summary>
    internal static IResourceBuilder<ParameterResource> WithClient(this IResourceBuilder<ProjectResource> identity, IDistributedApplicationBuilder builder, LocalSecrets secrets, string clientId, IEnumerable<string> roles)
    {
        var secret = secrets.Parameter(builder, clientId);
        identity.WithEnvironment($"Identity__Clients__{clientId}__Secret", secret);
        var index = 0;
        foreach (var role in roles)
        {
            identity.WithEnvironment($"Identity__Clients__{clientId}__Roles__{index++}", role);
        }

        return secret;
    }

    /// <summary>
    /// <paramref name="service"/> checks bearer tokens against <paramref name="identity"/> and calls other services as
    /// client <paramref name="clientId"/> holding <paramref name="roles"/> (default: role "service").
    /// </summary>
    internal static IResourceBuilder<ProjectResource> WithServiceIdentity(this IResourceBuilder<ProjectResource> service, IResourceBuilder<ProjectResource> identity,
        IDistributedApplicationBuilder builder, LocalSecrets secrets, string clientId, params string[] roles)
    {
        var secret = identity.WithClient(builder, secrets, clientId, roles.Length > 0 ? roles : [Diffusion.ServiceDefaults.Security.Roles.Service]);
        return service
            .WithEnvironment("Auth__Authority", identity.GetEndpoint(EndpointName))
            // Loopback under the local AppHost; a deployment serves the identity provider over https (docs/security.md).
            .WithEnvironment("Auth__RequireHttpsMetadata", "false")
            .WithEnvironment("Auth__Client__ClientId", clientId)
            .WithEnvironment("Auth__Client__ClientSecret", secret)
            .WaitFor(identity);
    }
}
