using Diffusion.Grpc.Framing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Diffusion.Grpc.Server;

/// <summary>
/// A catch-all <c>POST /{service}/{method}</c> for gRPC requests that no mapped method matches: it answers a
/// Trailers-Only response with grpc-status 12 (UNIMPLEMENTED), as gRPC clients expect, rather than a bare 404
/// (which clients could only map to UNIMPLEMENTED by guesswork). It only matches gRPC content types, so other
/// two-segment paths of the application are not affected, and it has the lowest order among endpoints.
/// </summary>
internal static class UnimplementedEndpoints
{
    public static void MapOnce(IEndpointRouteBuilder endpoints, GrpcMarkerService marker)
    {
        if (marker.UnimplementedMapped)
        {
            return;
        }

        marker.UnimplementedMapped = true;
        var pattern = RoutePatternFactory.Parse(
            "{unimplementedService}/{unimplementedMethod}",
            defaults: null,
            parameterPolicies: new RouteValueDictionary { ["unimplementedMethod"] = new GrpcContentTypeConstraint() });
        endpoints.Map(pattern, context => HandleAsync(context, marker))
            .WithMetadata(new HttpMethodMetadata(["POST"]))
            .WithDisplayName("gRPC - unimplemented")
            .Add(b => ((RouteEndpointBuilder)b).Order = int.MaxValue);
    }

    private static Task HandleAsync(HttpContext context, GrpcMarkerService marker)
    {
        var service = context.Request.RouteValues["unimplementedService"]?.ToString() ?? string.Empty;
        var message = marker.HasService(service) ? "Method is unimplemented." : "Service is unimplemented.";
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.StatusTrailer] = "12";
        response.Headers[GrpcProtocol.MessageTrailer] = message;
        return Task.CompletedTask;
    }

    private sealed class GrpcContentTypeConstraint : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            httpContext is not null && GrpcProtocol.IsGrpcContentType(httpContext.Request.ContentType);
    }
}
