using System.CommandLine;
using Diffusion.ServiceDefaults.Security;

namespace Diffusion.Cli.Commands;

/// <summary>
/// <c>diffusion auth token --role officer</c>: a bearer token of one role from the local identity provider, and nothing
/// else, on stdout, for scripts and other tools (<c>grpcurl -H "authorization: Bearer $(…)"</c>).
/// </summary>
internal static class AuthCommand
{
    public static Command Create(CliContext context)
    {
        var role = new Option<string>("--role")
        {
            Description = "The role the token holds: " + string.Join(", ", Roles.People),
            Required = true,
        };
        role.AcceptOnlyFromAmong([.. Roles.People]);
        var token = new Command("token", "Print a bearer token of one role (and nothing else) on stdout") { role };
        token.SetAction(async (parse, cancellationToken) =>
        {
            string text;
            try
            {
                text = await context.Credentials.ClientCredentials(parse.GetValue(role)).GetTokenAsync(cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
            {
                throw new CliException($"no token from the identity provider: {e.Message}");
            }

            await context.Output.WriteLineAsync(text);
            return 0;
        });
        return new Command("auth", "Credentials for scripts and other tools") { token };
    }
}
