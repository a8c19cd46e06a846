using Diffusion.ServiceDefaults.Security;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;

namespace Diffusion.LoadTest.Load;

/// <summary>
/// The bearer token every call of the tool presents: <c>DIFFUSION_TOKEN</c>, or client credentials from
/// <c>Auth__Authority</c>, <c>Auth__Client__ClientId</c> and <c>Auth__Client__ClientSecret</c> (the AppHost gives its
/// workers client <c>loadtest</c>). The tool needs roles exporter (orders), officer (the caps it sets), service
/// (reservations straight at Quota) and auditor (the final check). Spawned workers inherit the environment.
/// </summary>
internal static class Tokens
{
    private static readonly HttpClient Http = new();
    private static readonly Lazy<IServiceTokenSource?> Source = new(() =>
        BearerTokens.FromConfiguration(new ConfigurationBuilder().AddEnvironmentVariables().Build(), Http));

    /// <summary>A channel to <paramref name="address"/> presenting the tool's token.</summary>
    public static GrpcChannel Channel(Uri address, GrpcChannelOptions? options = null) =>
        GrpcChannel.ForAddress(address, (options ?? new GrpcChannelOptions()).WithToken(Source.Value));
}
