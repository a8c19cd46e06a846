using Grpc.AspNetCore.Server;
using Diffusion.Grpc.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the gRPC server, as grpc-dotnet's <c>AddGrpc()</c>.</summary>
public static class GrpcServiceCollectionExtensions
{
    /// <summary>Adds what <c>MapGrpcService&lt;T&gt;()</c> needs, with optional <see cref="GrpcServiceOptions"/>.</summary>
    public static IServiceCollection AddGrpc(this IServiceCollection services, Action<GrpcServiceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRouting();
        services.AddOptions<GrpcServiceOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (!services.Any(d => d.ServiceType == typeof(GrpcMarkerService)))
        {
            services.AddSingleton<GrpcMarkerService>();
        }

        return services;
    }
}
