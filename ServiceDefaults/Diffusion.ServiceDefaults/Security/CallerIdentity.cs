using System.Security.Claims;
using Grpc.Core;

namespace Diffusion.ServiceDefaults.Security;

/// <summary>Who is calling, from the validated bearer token only (never from the request body or other headers).</summary>
public static class CallerIdentity
{
    /// <summary>Claim of the caller's id: a person's user id or a service's client id.</summary>
    public const string SubjectClaim = "sub";

    /// <summary>Claim of the roles.</summary>
    public const string RoleClaim = "role";

    /// <summary>
    /// The authenticated subject of the call. Authorization has already refused calls without one, so its absence is
    /// a wiring error, not a request error.
    /// </summary>
    public static string Subject(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Subject(context.GetHttpContext().User)
            ?? throw new InvalidOperationException("the call has no authenticated subject: is AddDiffusionAuthentication() wired?");
    }

    /// <summary>The <c>sub</c> claim of <paramref name="user"/>, or null.</summary>
    public static string? Subject(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Identity?.IsAuthenticated == true ? user.FindFirst(SubjectClaim)?.Value : null;
    }
}
