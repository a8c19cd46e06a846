using System.ComponentModel.DataAnnotations;

namespace Diffusion.Identity;

/// <summary>The identity provider's settings (section <c>Identity</c>; the AppHost sets them).</summary>
public sealed class IdentityOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Identity";

    /// <summary>The issuer URL tokens name (claim <c>iss</c>), e.g. <c>http://127.0.0.1:5099/</c>; services fetch its metadata.</summary>
    [Required]
    [Url]
    public string Issuer { get; set; } = "";

    /// <summary>
    /// Where the signing key is kept (made on first start, file mode 0600). Under the AppHost: <c>.diffusion/identity</c>,
    /// never committed.
    /// </summary>
    [Required]
    public string KeyDirectory { get; set; } = "";

    /// <summary>Minutes an access token is valid.</summary>
    [Range(1, 24 * 60)]
    public int AccessTokenMinutes { get; set; } = 60;

    /// <summary>The clients that may ask for tokens, by client id (the token's subject).</summary>
    public Dictionary<string, ClientRegistration> Clients { get; } = new(StringComparer.Ordinal);
}

/// <summary>One client of the client-credentials grant.</summary>
public sealed class ClientRegistration
{
    /// <summary>Its secret, from configuration only (the AppHost generates one per client and keeps it under <c>.diffusion/</c>).</summary>
    public string Secret { get; set; } = "";

    /// <summary>The roles it may hold; a token request may narrow them with scopes <c>role:&lt;name&gt;</c>.</summary>
    public List<string> Roles { get; } = [];
}
