using Grpc.AspNetCore.Server;
using Diffusion.Grpc.Server;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps gRPC services onto endpoint routing, as grpc-dotnet's <c>MapGrpcService&lt;T&gt;()</c>.</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every method of <typeparamref name="TService"/> (a class deriving from a generated
    /// <c>XService.XServiceBase</c>) to <c>POST /{package.Service}/{Method}</c>. The service is resolved from DI per
    /// call if registered, else created per call with constructor injection. Requires <c>services.AddGrpc()</c>.
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder builder)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.ServiceProvider;
        var marker = services.GetService<GrpcMarkerService>()
            ?? throw new InvalidOperationException("Unable to find the required services. Add them with 'builder.Services.AddGrpc()'.");
        var options = services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Diffusion.Grpc.Server");

        var binder = new ServiceMethodBinder<TService>(options, logger);
        binder.BindService();

        var conventions = new List<IEndpointConventionBuilder>(binder.Methods.Count);
        foreach (var (method, handler) in binder.Methods)
        {
            marker.AddService(method.ServiceName);
            conventions.Add(builder.MapPost(method.FullName, handler)
                .WithMetadata(method)
                .WithDisplayName("gRPC - " + method.FullName));
        }

        UnimplementedEndpoints.MapOnce(builder, marker);
        return new GrpcServiceEndpointConventionBuilder(conventions);
    }
}
