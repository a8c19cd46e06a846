using Grpc.HealthCheck;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Registers the gRPC health service, as grpc-dotnet's <c>AddGrpcHealthChecks()</c>.</summary>
    public static class GrpcHealthChecksServiceCollectionExtensions
    {
        /// <summary>
        /// Adds <see cref="HealthServiceImpl"/> (a singleton: inject it to set per-service statuses) driven by the
        /// ASP.NET Core health checks; returns the health-checks builder to add checks to.
        /// </summary>
        public static IHealthChecksBuilder AddGrpcHealthChecks(this IServiceCollection services)
        {
            ArgumentNullException.ThrowIfNull(services);
            services.AddGrpc();
            if (!services.Any(d => d.ServiceType == typeof(HealthServiceImpl)))
            {
                services.AddSingleton(sp => new HealthServiceImpl(sp.GetService<HealthCheckService>()));
                services.AddSingleton<IHealthCheckPublisher, GrpcHealthChecksPublisher>();
            }

            return services.AddHealthChecks();
        }
    }
}

namespace Microsoft.AspNetCore.Builder
{
    /// <summary>Maps the gRPC health service, as grpc-dotnet's <c>MapGrpcHealthChecksService()</c>.</summary>
    public static class GrpcHealthChecksEndpointRouteBuilderExtensions
    {
        /// <summary>
        /// Maps <c>grpc.health.v1.Health</c>. The server starts SERVING (""), and turns NOT_SERVING when the host
        /// begins to stop, so clients and balancers stop sending before the listener closes.
        /// </summary>
        public static GrpcServiceEndpointConventionBuilder MapGrpcHealthChecksService(this IEndpointRouteBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            var health = builder.ServiceProvider.GetService<HealthServiceImpl>()
                ?? throw new InvalidOperationException("Unable to find the required services. Add them with 'builder.Services.AddGrpcHealthChecks()'.");
            health.SetStatus(string.Empty, ServingStatus.Serving);
            builder.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(health.SetAllNotServing);
            return builder.MapGrpcService<HealthServiceImpl>();
        }
    }
}
