using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Diffusion.ServiceDefaults.Security;

/// <summary>
/// Answers a gRPC call that authorization refused with a gRPC status rather than an HTTP one: no or an invalid token
/// is UNAUTHENTICATED; a valid identity without the role is PERMISSION_DENIED naming the roles the method needs. The
/// answer is trailers-only (grpc-status in the response headers), as a gRPC server sends any early error; HTTP 401/403
/// would reach a gRPC client only as a translated status without the message. Neither message quotes the token.
/// Requests that are not gRPC get ASP.NET Core's usual 401/403.
/// </summary>
internal sealed class GrpcAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true)
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        var method = GrpcMethodRoleRequirement.MethodOf(context) ?? context.Request.Path.Value?.TrimStart('/') ?? "";
        if (authorizeResult.Challenged || context.User.Identity?.IsAuthenticated != true)
        {
            return Answer(context, StatusCode.Unauthenticated, "a valid bearer token is required (authorization: Bearer <token>)");
        }

        var roles = AccessPolicy.RolesFor(method);
        var needed = roles.Count == 0
            ? $"{method} has no entry in the access policy: nobody may call it"
            : $"{method} requires role {string.Join(" or ", roles)}";
        return Answer(context, StatusCode.PermissionDenied, needed);
    }

    private static Task Answer(HttpContext context, StatusCode code, string message)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);
        // grpc-message is percent-encoded on the wire; these messages are plain ASCII without '%'.
        response.Headers["grpc-message"] = message;
        return Task.CompletedTask;
    }
}
