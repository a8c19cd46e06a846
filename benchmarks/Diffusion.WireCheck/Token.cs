using Diffusion.ServiceDefaults.Security;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;

namespace Diffusion.WireCheck;

/// <summary>
/// The bearer token the client presents to Quota, found as the load tool finds its own (the shared
/// <see cref="BearerTokens"/>): <c>DIFFUSION_TOKEN</c>, or client credentials from <c>Auth__Authority</c>,
/// <c>Auth__Client__ClientId</c> and <c>Auth__Client__ClientSecret</c>. The client needs roles officer (SetAllocation)
/// and service (Reserve, Commit): the AppHost's <c>loadtest</c> client holds both.
/// </summary>
internal static class Token
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A channel to <paramref name="address"/> presenting the token on every call; null when none is configured.</summary>
    public static GrpcChannel? Channel(Uri address)
    {
        var source = BearerTokens.FromConfiguration(new ConfigurationBuilder().AddEnvironmentVariables().Build(), Http);
        return source is null ? null : GrpcChannel.ForAddress(address, new GrpcChannelOptions().WithToken(source));
    }
}
