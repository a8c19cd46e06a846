using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Diffusion.ServiceDefaults.Security;

/// <summary>
/// The bearer token a service presents when it calls another service: its own identity, obtained with its client
/// credentials, never the token of the caller it is serving.
/// </summary>
public interface IServiceTokenSource
{
    /// <summary>A token valid for at least the next minute.</summary>
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);
}

/// <summary>
/// OAuth 2.0 client credentials grant (RFC 6749 section 4.4) at the identity provider's token endpoint, with the token
/// kept until a minute before it expires. One request at a time refreshes it.
/// </summary>
public sealed class ClientCredentialsTokenSource(HttpClient http, IOptions<AuthOptions> options, TimeProvider clock) : IServiceTokenSource, IDisposable
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (string Token, DateTimeOffset RefreshAt)? _current;

    /// <inheritdoc />
    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && clock.GetUtcNow() < current.RefreshAt)
        {
            return current.Token;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { } fresh && clock.GetUtcNow() < fresh.RefreshAt)
            {
                return fresh.Token;
            }

            var answer = await RequestAsync(cancellationToken).ConfigureAwait(false);
            var lifetime = TimeSpan.FromSeconds(Math.Max(0, answer.ExpiresIn));
            _current = (answer.AccessToken!, clock.GetUtcNow() + (lifetime > 2 * RefreshMargin ? lifetime - RefreshMargin : lifetime / 2));
            return answer.AccessToken!;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _refresh.Dispose();

    private async Task<TokenResponse> RequestAsync(CancellationToken cancellationToken)
    {
        var auth = options.Value;
        var client = auth.Client;
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.ClientId ?? "",
            ["client_secret"] = client.ClientSecret ?? "",
        };
        if (client.Roles.Count > 0)
        {
            form["scope"] = string.Join(' ', client.Roles.Select(role => "role:" + role));
        }

        if (string.IsNullOrWhiteSpace(client.ClientId) || string.IsNullOrWhiteSpace(client.ClientSecret))
        {
            throw new InvalidOperationException("Auth:Client:ClientId and Auth:Client:ClientSecret must be set for this service to call another (the AppHost sets them)");
        }

        var endpoint = !string.IsNullOrWhiteSpace(client.TokenEndpoint)
            ? new Uri(client.TokenEndpoint)
            : new Uri(new Uri(auth.Authority!.TrimEnd('/') + "/"), "connect/token");
        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(endpoint, content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // The body may say why (invalid_client); it never holds the secret we sent.
            throw new InvalidOperationException($"the identity provider at {endpoint} refused client {client.ClientId}: HTTP {(int)response.StatusCode}");
        }

        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken).ConfigureAwait(false);
        return token is { AccessToken.Length: > 0 }
            ? token
            : throw new InvalidOperationException($"the identity provider at {endpoint} answered without an access_token");
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] long ExpiresIn);
}

/// <summary>A token given as it is (<c>DIFFUSION_TOKEN</c>, or the output of <c>diffusion auth token</c>).</summary>
public sealed class FixedTokenSource(string token) : IServiceTokenSource
{
    /// <inheritdoc />
    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(token);
}
