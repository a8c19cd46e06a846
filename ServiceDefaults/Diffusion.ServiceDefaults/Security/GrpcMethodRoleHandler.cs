using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Diffusion.ServiceDefaults.Security;

/// <summary>The caller must hold one of the roles <see cref="AccessPolicy"/> gives the gRPC method it calls.</summary>
public sealed class GrpcMethodRoleRequirement : IAuthorizationRequirement
{
    /// <summary>The full name of the gRPC method an endpoint serves (without the leading '/'), or null for an endpoint that is not one.</summary>
    public static string? MethodOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.FullName.TrimStart('/');
}

/// <summary>
/// Checks <see cref="GrpcMethodRoleRequirement"/> against <see cref="AccessPolicy"/>. An endpoint that is not a gRPC
/// method of a service (grpc-dotnet's answer to an unknown method, UNIMPLEMENTED) needs only an authenticated caller.
/// </summary>
internal sealed class GrpcMethodRoleHandler : AuthorizationHandler<GrpcMethodRoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, GrpcMethodRoleRequirement requirement)
    {
        if (context.Resource is HttpContext http && context.User.Identity?.IsAuthenticated == true)
        {
            var method = GrpcMethodRoleRequirement.MethodOf(http);
            if (method is null || AccessPolicy.RolesFor(method).Any(context.User.IsInRole))
            {
                context.Succeed(requirement);
            }
        }

        return Task.CompletedTask;
    }
}
