using System.Security.Cryptography;
using System.Text.Json;
using Diffusion.ServiceDefaults.Security;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Diffusion.Testing.Auth;

/// <summary>
/// The tests' token issuer: an RSA key made once per test process, whose public half services under test trust through
/// configuration (<see cref="Configuration"/>, <c>Auth:SigningKeys</c>), as they would trust the identity provider's
/// published keys. Tokens are made the way the identity provider makes them (RS256 JWT, iss, aud, sub, role, exp).
/// This stands in for the identity provider, never for the service under test.
/// </summary>
public static class TestTokens
{
    /// <summary>Issuer of the tests' tokens.</summary>
    public const string Issuer = "https://diffusion-tests.invalid/";

    /// <summary>Subject of the identity every test channel carries by default.</summary>
    public const string DefaultSubject = "test-user";

    private static readonly RsaSecurityKey Key = NewKey("diffusion-test");
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>The public signing key as a JSON Web Key Set.</summary>
    public static string Jwks { get; } = JsonSerializer.Serialize(new
    {
        keys = new[] { JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(Key.Rsa.ExportParameters(false)) { KeyId = Key.KeyId }) }
            .Select(k => new { kty = k.Kty, kid = k.Kid, use = "sig", alg = SecurityAlgorithms.RsaSha256, n = k.N, e = k.E }),
    });

    /// <summary>Configuration that makes a service trust the tests' issuer (and no other).</summary>
    public static IReadOnlyDictionary<string, string?> Configuration { get; } = new Dictionary<string, string?>
    {
        [$"{AuthOptions.SectionName}:Issuer"] = Issuer,
        [$"{AuthOptions.SectionName}:Audience"] = AuthOptions.DefaultAudience,
        [$"{AuthOptions.SectionName}:SigningKeys"] = Jwks,
        [$"{AuthOptions.SectionName}:Authority"] = null,
    };

    /// <summary>A token for <paramref name="subject"/> holding <paramref name="roles"/>, valid for an hour.</summary>
    public static string Create(string subject, params IEnumerable<string> roles) => Create(new TokenSpec(subject, [.. roles]));

    /// <summary>A token for every role (what the test channels carry, so tests about behaviour pass the policy).</summary>
    public static string AllRoles(string subject = DefaultSubject) => Create(subject, Roles.All);

    /// <summary>A token as <paramref name="spec"/> says, signed by <paramref name="signingKey"/> (default: the trusted key).</summary>
    public static string Create(TokenSpec spec, SecurityKey? signingKey = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { [CallerIdentity.SubjectClaim] = spec.Subject };
        if (spec.Roles.Count > 0)
        {
            claims[CallerIdentity.RoleClaim] = spec.Roles.ToArray();
        }

        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = spec.Issuer ?? Issuer,
            Audience = spec.Audience ?? AuthOptions.DefaultAudience,
            Claims = claims,
            IssuedAt = now + spec.Shift,
            NotBefore = now + spec.Shift,
            Expires = now + spec.Shift + spec.Lifetime,
            SigningCredentials = new SigningCredentials(signingKey ?? Key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>A key nobody trusts, with the trusted key's id (a forged signature) or its own.</summary>
    public static RsaSecurityKey UntrustedKey(bool sameKeyId) => NewKey(sameKeyId ? Key.KeyId : "unknown-key");

    /// <summary>
    /// <paramref name="options"/> (or new ones) presenting <paramref name="token"/> (default: <see cref="AllRoles"/>) on
    /// every call over the h2c test transport.
    /// </summary>
    public static GrpcChannelOptions WithToken(GrpcChannelOptions? options = null, string? token = null) =>
        (options ?? new GrpcChannelOptions()).WithToken(new FixedTokenSource(token ?? AllRoles()));

    /// <summary>
    /// Makes a host trust the tests' issuer (configuration, so <c>AddDiffusionAuthentication</c> reads it as it reads the
    /// AppHost's); call before the host's own wiring.
    /// </summary>
    public static void TrustTestIssuer(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration.AddInMemoryCollection(Configuration);
    }

    /// <summary>
    /// Gives a host that calls other services (it registered <see cref="IServiceTokenSource"/>) a service identity of the
    /// tests' issuer instead of client credentials at an identity provider; call after the host's own wiring.
    /// </summary>
    public static void UseTestServiceIdentity(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(IServiceTokenSource)))
        {
            builder.Services.AddSingleton<IServiceTokenSource>(new FixedTokenSource(Create(builder.Environment.ApplicationName, Roles.Service)));
        }
    }

    private static RsaSecurityKey NewKey(string keyId) => new(RSA.Create(2048)) { KeyId = keyId };
}

/// <summary>What a test token says: whose it is, its roles, and how it departs from a valid one.</summary>
/// <param name="Subject">Claim sub.</param>
/// <param name="Roles">Claims role.</param>
public sealed record TokenSpec(string Subject, IReadOnlyList<string> Roles)
{
    /// <summary>Issuer (default <see cref="TestTokens.Issuer"/>).</summary>
    public string? Issuer { get; init; }

    /// <summary>Audience (default "diffusion").</summary>
    public string? Audience { get; init; }

    /// <summary>Moves the token's issue, not-before and expiry times (negative: expired; positive: not yet valid).</summary>
    public TimeSpan Shift { get; init; }

    /// <summary>From not-before to expiry.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(1);
}
