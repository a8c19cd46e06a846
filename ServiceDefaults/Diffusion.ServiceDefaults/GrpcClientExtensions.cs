using Diffusion.ServiceDefaults.Security;
using Grpc.Core;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Service-to-service gRPC clients by Aspire's naming conventions.</summary>
public static class GrpcClientExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TClient"/> (a generated client such as <c>QuotaService.QuotaServiceClient</c>)
    /// with Grpc.Net.ClientFactory for the service named <paramref name="serviceName"/>, at
    /// <c>http://_grpc.{name}</c>: service discovery resolves it from <c>services__{name}__grpc__0..n</c>, which the
    /// AppHost's WithReference sets. The incoming call's deadline and cancellation flow to every call made while
    /// serving it (<c>EnableCallContextPropagation</c>); outside a call (a background sweeper) there is nothing to
    /// propagate, and that is not an error. A service whose configuration names no address for
    /// <paramref name="serviceName"/> stops at start, naming the setting (service discovery alone would start and then
    /// fail every call). Every call carries this service's own bearer token (<see cref="IServiceTokenSource"/>, from
    /// <c>AddDiffusionAuthentication</c>), never the token of the caller being served; on the local h2c loopback
    /// transport gRPC must be told to send call credentials without TLS.
    /// </summary>
    public static IHttpClientBuilder AddGrpcServiceClient<TClient>(this IHostApplicationBuilder builder, string serviceName)
        where TClient : ClientBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        builder.Services.AddOptions<GrpcClientFactoryOptions>(typeof(TClient).Name)
            .Validate<IConfiguration>(
                (_, configuration) => !string.IsNullOrWhiteSpace(configuration[$"services:{serviceName}:grpc:0"]),
                $"services:{serviceName}:grpc:0 is not set (environment variable services__{serviceName}__grpc__0=http://127.0.0.1:<port>); "
                + $"the AppHost sets it for every project that has WithReference({serviceName}).")
            .ValidateOnStart();
        return builder.Services
            .AddGrpcClient<TClient>(options => options.Address = new Uri($"http://_grpc.{serviceName}"))
            .EnableCallContextPropagation(options => options.SuppressContextNotFoundErrors = true)
            .AddCallCredentials(async (_, metadata, services) =>
                metadata.Add("authorization", "Bearer " + await services.GetRequiredService<IServiceTokenSource>().GetTokenAsync(CancellationToken.None).ConfigureAwait(false)))
            .ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = true);
    }
}
