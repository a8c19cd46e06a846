using Diffusion.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.Hosting;

/// <summary>Bearer tokens on every gRPC method, and a service's own identity for the calls it makes.</summary>
public static class AuthenticationExtensions
{
    /// <summary>
    /// Every request must carry a JWT bearer token (section <c>Auth</c>, <see cref="AuthOptions"/>) checked for issuer,
    /// audience, lifetime and an RS256 signature by a key of the identity provider (unsigned <c>alg: none</c> tokens and
    /// keys it does not publish are refused), and its caller must hold a role <see cref="AccessPolicy"/> gives the
    /// method; health and reflection stay open (<c>MapDefaultEndpoints</c>). Refusals are gRPC statuses
    /// (UNAUTHENTICATED, PERMISSION_DENIED naming the role). Also registers the service's own token
    /// (<see cref="IServiceTokenSource"/>, client credentials) that <c>AddGrpcServiceClient</c> presents. A service
    /// whose configuration names no way to check tokens stops at start, naming the setting.
    /// </summary>
    public static TBuilder AddDiffusionAuthentication<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AuthOptions>()
            .Bind(builder.Configuration.GetSection(AuthOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) => Configure(jwt, auth.Value));

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new GrpcMethodRoleRequirement())
                .Build());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, GrpcMethodRoleHandler>());
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResultHandler>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient(nameof(ClientCredentialsTokenSource));
        builder.Services.AddSingleton<IServiceTokenSource>(sp => ActivatorUtilities.CreateInstance<ClientCredentialsTokenSource>(
            sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ClientCredentialsTokenSource))));
        return builder;
    }

    private static void Configure(JwtBearerOptions jwt, AuthOptions auth)
    {
        // Claims keep their JWT names (sub, role), so CallerIdentity and IsInRole read what the token says.
        jwt.MapInboundClaims = false;
        jwt.Audience = auth.Audience;
        if (!string.IsNullOrWhiteSpace(auth.Authority))
        {
            jwt.Authority = auth.Authority;
            jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata;
        }

        var parameters = jwt.TokenValidationParameters;
        parameters.ValidateIssuer = true;
        parameters.ValidateAudience = true;
        parameters.ValidateLifetime = true;
        parameters.RequireExpirationTime = true;
        parameters.RequireSignedTokens = true;
        parameters.ValidateIssuerSigningKey = true;
        parameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256];
        parameters.ValidAudience = auth.Audience;
        parameters.ClockSkew = TimeSpan.FromSeconds(auth.ClockSkewSeconds);
        parameters.NameClaimType = CallerIdentity.SubjectClaim;
        parameters.RoleClaimType = CallerIdentity.RoleClaim;
        if (!string.IsNullOrWhiteSpace(auth.Issuer))
        {
            parameters.ValidIssuer = auth.Issuer;
        }

        if (!string.IsNullOrWhiteSpace(auth.SigningKeys))
        {
            parameters.IssuerSigningKeys = new JsonWebKeySet(auth.SigningKeys).GetSigningKeys();
        }
    }
}
