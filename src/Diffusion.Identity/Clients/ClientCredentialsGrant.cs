using System.Collections.Immutable;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Diffusion.ServiceDefaults.Security;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Diffusion.Identity.Clients;

/// <summary>
/// The client-credentials grant (RFC 6749 section 4.4) over the clients in configuration: OpenIddict runs without a
/// database ("degraded mode"), so checking the client and building its token are ours.
/// </summary>
internal static class ClientCredentialsGrant
{
    /// <summary>Scope that narrows a token to one of the client's roles.</summary>
    public const string RoleScopePrefix = "role:";

    /// <summary>Refuses an unknown client, a wrong secret, and a role scope the client does not hold.</summary>
    public sealed class Validate(IOptions<IdentityOptions> options) : IOpenIddictServerHandler<ValidateTokenRequestContext>
    {
        public ValueTask HandleAsync(ValidateTokenRequestContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (!context.Request.IsClientCredentialsGrantType())
            {
                context.Reject(Errors.UnsupportedGrantType, "only the client_credentials grant is served");
                return default;
            }

            if (context.ClientId is not { } id || !options.Value.Clients.TryGetValue(id, out var client)
                || !SecretMatches(client.Secret, context.ClientSecret))
            {
                // The same answer for an unknown client and a wrong secret: which one it was is not the caller's to learn.
                context.Reject(Errors.InvalidClient, "unknown client or wrong secret");
                return default;
            }

            var unknown = RequestedRoles(context.Request).Except(client.Roles, StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
            {
                context.Reject(Errors.InvalidScope, $"client {id} may not hold role {string.Join(", ", unknown)}");
            }

            return default;
        }

        private static bool SecretMatches(string expected, string? given) =>
            expected.Length > 0 && given is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));
    }

    /// <summary>Signs the client in: subject = client id, roles = those asked for (default: all it holds), audience "diffusion".</summary>
    public sealed class Handle(IOptions<IdentityOptions> options) : IOpenIddictServerHandler<HandleTokenRequestContext>
    {
        public ValueTask HandleAsync(HandleTokenRequestContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            var id = context.ClientId!;
            var requested = RequestedRoles(context.Request).ToList();
            var roles = requested.Count > 0 ? requested : options.Value.Clients[id].Roles;

            var identity = new ClaimsIdentity(authenticationType: "client_credentials", nameType: Claims.Subject, roleType: Claims.Role);
            identity.SetClaim(Claims.Subject, id);
            identity.SetClaims(Claims.Role, [.. roles]);
            identity.SetAudiences(AuthOptions.DefaultAudience);
            identity.SetScopes(context.Request.GetScopes());
            identity.SetDestinations(_ => [Destinations.AccessToken]);
            context.SignIn(new ClaimsPrincipal(identity));
            return default;
        }
    }

    private static IEnumerable<string> RequestedRoles(OpenIddictRequest request) =>
        request.GetScopes()
            .Where(scope => scope.StartsWith(RoleScopePrefix, StringComparison.Ordinal))
            .Select(scope => scope[RoleScopePrefix.Length..])
            .Distinct(StringComparer.Ordinal);

    /// <summary>The scopes a token request may name: one per role.</summary>
    public static ImmutableArray<string> Scopes { get; } = [.. Roles.All.Select(role => RoleScopePrefix + role)];
}
