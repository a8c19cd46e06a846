using Diffusion.Identity.Clients;
using Diffusion.Identity.Keys;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Diffusion.Identity;

/// <summary>Wiring of the identity provider.</summary>
public static class IdentityServiceExtensions
{
    /// <summary>Token endpoint path (relative to the issuer).</summary>
    public const string TokenPath = "connect/token";

    /// <summary>
    /// OpenIddict's server with the client-credentials grant only, tokens signed RS256 by a key kept in
    /// <see cref="IdentityOptions.KeyDirectory"/>, JWT access tokens not encrypted (every service checks them with the
    /// published key), discovery at <c>/.well-known/openid-configuration</c>. HTTP is accepted: under the local AppHost
    /// it runs on loopback; a deployment puts TLS in front (docs/security.md).
    /// </summary>
    public static WebApplicationBuilder AddIdentityServices(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddOptions<IdentityOptions>()
            .Bind(builder.Configuration.GetSection(IdentityOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.Clients.Count > 0, "Identity:Clients must name at least one client (Identity__Clients__<id>__Secret, Identity__Clients__<id>__Roles__0)")
            .ValidateOnStart();

        builder.Services.AddOpenIddict()
            .AddServer(server =>
            {
                server.SetTokenEndpointUris(TokenPath);
                server.AllowClientCredentialsFlow();
                server.EnableDegradedMode();
                server.DisableAccessTokenEncryption();
                server.RegisterScopes([.. ClientCredentialsGrant.Scopes]);
                // Nothing encrypted outlives the process (no codes, no refresh tokens), so a key of the moment does.
                server.AddEphemeralEncryptionKey();
                server.UseAspNetCore().DisableTransportSecurityRequirement();
                server.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseScopedHandler<ClientCredentialsGrant.Validate>());
                server.AddEventHandler<HandleTokenRequestContext>(handler => handler.UseScopedHandler<ClientCredentialsGrant.Handle>());
            });
        builder.Services.AddOptions<OpenIddictServerOptions>()
            .Configure<IOptions<IdentityOptions>>((server, identity) =>
            {
                server.Issuer = new Uri(identity.Value.Issuer);
                server.AccessTokenLifetime = TimeSpan.FromMinutes(identity.Value.AccessTokenMinutes);
                var key = SigningKeyStore.LoadOrCreate(identity.Value.KeyDirectory);
                server.SigningCredentials.Add(new Microsoft.IdentityModel.Tokens.SigningCredentials(key, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.RsaSha256));
            });
        return builder;
    }

    /// <summary>Health endpoints (open; OpenIddict serves its own endpoints through its middleware).</summary>
    public static WebApplication MapIdentityEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(ServiceDefaultsExtensions.HealthEndpointPath);
        app.MapHealthChecks(ServiceDefaultsExtensions.AliveEndpointPath, new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(ServiceDefaultsExtensions.LiveTag),
        });
        return app;
    }
}
