using System.ComponentModel.DataAnnotations;

namespace Diffusion.ServiceDefaults.Security;

/// <summary>
/// How a service checks the bearer tokens it is called with, and how it gets its own (section <c>Auth</c>; under the
/// AppHost, <c>Auth__Authority</c> and the rest come from the identity resource). Either <see cref="Authority"/> (the
/// identity provider's OpenID Connect metadata and keys are fetched from it) or <see cref="SigningKeys"/> (a JSON Web
/// Key Set given inline) must be set, and <see cref="Audience"/>.
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Auth";

    /// <summary>The audience every Diffusion token is issued for (claim <c>aud</c>).</summary>
    public const string DefaultAudience = "diffusion";

    /// <summary>The identity provider's issuer URL, e.g. <c>http://127.0.0.1:5099/</c>; its discovery document names the keys.</summary>
    public string? Authority { get; set; }

    /// <summary>The issuer tokens must name (claim <c>iss</c>); default: the one <see cref="Authority"/>'s metadata gives.</summary>
    public string? Issuer { get; set; }

    /// <summary>The audience tokens must name (claim <c>aud</c>).</summary>
    [Required]
    public string Audience { get; set; } = DefaultAudience;

    /// <summary>A JSON Web Key Set (inline JSON) whose keys sign valid tokens, instead of or besides <see cref="Authority"/>'s.</summary>
    public string? SigningKeys { get; set; }

    /// <summary>Whether <see cref="Authority"/> must be https (false only for the local AppHost on loopback).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Seconds of clock difference allowed on a token's <c>exp</c> and <c>nbf</c>.</summary>
    [Range(0, 300)]
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>This service's own identity, for the calls it makes to other services.</summary>
    public ClientOptions Client { get; set; } = new();

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Authority) && string.IsNullOrWhiteSpace(SigningKeys))
        {
            yield return new ValidationResult(
                "Auth:Authority (the identity provider's URL, environment Auth__Authority) or Auth:SigningKeys (a JSON Web Key Set) must be set: "
                + "every call needs a bearer token, and without one of them no token can be checked. The AppHost sets Auth__Authority.",
                [nameof(Authority), nameof(SigningKeys)]);
        }

        if (string.IsNullOrWhiteSpace(Authority) && string.IsNullOrWhiteSpace(Issuer))
        {
            yield return new ValidationResult("Auth:Issuer must be set when Auth:SigningKeys is given without Auth:Authority.", [nameof(Issuer)]);
        }
    }

    /// <summary>Client credentials of a service (OAuth 2.0 client_credentials grant at the identity provider).</summary>
    public sealed class ClientOptions
    {
        /// <summary>This service's client id, which becomes the subject of its tokens (e.g. <c>decisions</c>).</summary>
        public string? ClientId { get; set; }

        /// <summary>Its secret (from configuration only; never logged).</summary>
        public string? ClientSecret { get; set; }

        /// <summary>The token endpoint; default <c>{Authority}/connect/token</c>.</summary>
        public string? TokenEndpoint { get; set; }

        /// <summary>Roles to ask for (scopes <c>role:&lt;name&gt;</c>); empty: every role the client holds.</summary>
        public List<string> Roles { get; } = [];
    }
}
