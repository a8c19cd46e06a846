using Diffusion.ServiceDefaults.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Diffusion.Cli;

/// <summary>
/// The CLI's bearer token, found without being asked for: <c>DIFFUSION_TOKEN</c> when set (a token from
/// <c>diffusion auth token</c> or any other source), else a token of the local system's CLI client (client credentials
/// at the identity provider, <c>Auth__Authority</c> or http://127.0.0.1:5099, client <c>cli</c> whose secret the AppHost
/// keeps in <c>.diffusion/secrets/cli</c>, found from the current directory up, else from the CLI's own folder up).
/// </summary>
internal sealed class LocalCredentials(IConfiguration configuration)
{
    /// <summary>The identity provider's address under the AppHost (AppHost/Diffusion.AppHost/ServicePorts.cs).</summary>
    public const string DefaultAuthority = "http://127.0.0.1:5099/";

    /// <summary>The CLI's client at the local identity provider.</summary>
    public const string ClientId = "cli";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private IServiceTokenSource? _commands;

    /// <summary>The token source of ordinary commands: every role the CLI's client holds.</summary>
    public IServiceTokenSource ForCommands() =>
        _commands ??= configuration[BearerTokens.TokenVariable] is { Length: > 0 } token ? new FixedTokenSource(token.Trim()) : ClientCredentials(role: null);

    /// <summary>A token source of client credentials at the identity provider, narrowed to <paramref name="role"/> when given.</summary>
    public IServiceTokenSource ClientCredentials(string? role)
    {
        var options = new AuthOptions { Authority = configuration["Auth:Authority"] ?? DefaultAuthority };
        options.Client.ClientId = configuration["Auth:Client:ClientId"] ?? ClientId;
        options.Client.ClientSecret = configuration["Auth:Client:ClientSecret"] ?? LocalSecret()
            ?? throw new CliException(
                $"no credentials: set {BearerTokens.TokenVariable}, or start the local system (`dotnet run --project AppHost/Diffusion.AppHost`), "
                + "which keeps the CLI's client secret in .diffusion/secrets/cli");
        if (role is not null)
        {
            options.Client.Roles.Add(role);
        }

        return new ClientCredentialsTokenSource(Http, Options.Create(options), TimeProvider.System);
    }

    private static string? LocalSecret()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var path = Path.Combine(dir.FullName, ".diffusion", "secrets", ClientId);
                if (File.Exists(path))
                {
                    return File.ReadAllText(path).Trim();
                }
            }
        }

        return null;
    }
}
