using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Diffusion.ServiceDefaults.Security;

/// <summary>Bearer tokens for tools outside a service host (the CLI, the load-test tool): where they come from, and how a channel presents them.</summary>
public static class BearerTokens
{
    /// <summary>Environment variable holding a bearer token to present as it is.</summary>
    public const string TokenVariable = "DIFFUSION_TOKEN";

    /// <summary>
    /// The token source <paramref name="configuration"/> names: <see cref="TokenVariable"/> (a token as it is), else client
    /// credentials from <c>Auth:Authority</c>, <c>Auth:Client:ClientId</c> and <c>Auth:Client:ClientSecret</c> (what the
    /// AppHost gives a project resource); null when it names neither.
    /// </summary>
    public static IServiceTokenSource? FromConfiguration(IConfiguration configuration, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[TokenVariable] is { Length: > 0 } token)
        {
            return new FixedTokenSource(token.Trim());
        }

        var options = new AuthOptions();
        configuration.GetSection(AuthOptions.SectionName).Bind(options);
        return string.IsNullOrWhiteSpace(options.Authority) || string.IsNullOrWhiteSpace(options.Client.ClientId)
            ? null
            : new ClientCredentialsTokenSource(http, Options.Create(options), TimeProvider.System);
    }

    /// <summary>Call credentials that present <paramref name="source"/>'s token on every call.</summary>
    public static CallCredentials Credentials(IServiceTokenSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return CallCredentials.FromInterceptor(async (context, metadata) =>
            metadata.Add("authorization", "Bearer " + await source.GetTokenAsync(context.CancellationToken).ConfigureAwait(false)));
    }

    /// <summary>
    /// <paramref name="options"/> with <paramref name="source"/>'s token on every call, also over h2c (plain-text
    /// HTTP/2 on loopback, which gRPC otherwise refuses to send credentials over); unchanged when
    /// <paramref name="source"/> is null.
    /// </summary>
    public static GrpcChannelOptions WithToken(this GrpcChannelOptions options, IServiceTokenSource? source)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (source is not null)
        {
            options.Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, Credentials(source));
            options.UnsafeUseInsecureChannelCallCredentials = true;
        }

        return options;
    }
}
