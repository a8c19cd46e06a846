using System.Diagnostics;
using Diffusion.Decisions.V1;
using Diffusion.Quota.V1;
using Diffusion.ServiceDefaults.Security;
using Grpc.Core;
using Grpc.Net.Client;

namespace Diffusion.AppHost.Tests.Security;

/// <summary>
/// What the README tells a script to run: <c>dotnet run --project src/Diffusion.Cli -- auth token --role &lt;role&gt;</c>
/// prints a bearer token from the app's identity provider and nothing else on stdout, and the services take it as
/// that role and no other (an auditor's token reads balances and is refused a decision, naming the roles needed).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class AuthTokenCommandTests(AppFixture fixture)
{
    [Fact]
    public async Task AuthToken_PrintsOnlyAToken_TheServicesTakeItAsThatRoleOnly()
    {
        using var timeout = new CancellationTokenSource(AppFixture.Timeout);
        await AppFixture.WaitAllHealthyAsync(fixture.App, timeout.Token);

        var (exitCode, output, error) = await CliAsync(["auth", "token", "--role", Roles.Auditor], timeout.Token);

        Assert.True(exitCode == 0, $"exit {exitCode}: {error}");
        var token = output.TrimEnd('\n');
        Assert.DoesNotContain('\n', token);
        Assert.Matches(@"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$", token);

        using var quotaChannel = Channel("quota", token);
        using var decisionsChannel = Channel("decisions", token);
        await new QuotaService.QuotaServiceClient(quotaChannel).ListBucketsAsync(new ListBucketsRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
        var decide = await Assert.ThrowsAsync<RpcException>(() => new DecisionService.DecisionServiceClient(decisionsChannel)
            .DecideAsync(Orders.Lpp($"auth-token-{Guid.NewGuid():N}"[..20], 1), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, decide.StatusCode);
        const string decideMethod = "diffusion.decisions.v1.DecisionService/Decide";
        Assert.DoesNotContain(Roles.Auditor, AccessPolicy.RolesFor(decideMethod));
        Assert.Equal($"{decideMethod} requires role {string.Join(" or ", AccessPolicy.RolesFor(decideMethod))}", decide.Status.Detail);
    }

    [Fact]
    public async Task AuthToken_UnknownRole_RefusedWithNothingOnStdout()
    {
        using var timeout = new CancellationTokenSource(AppFixture.Timeout);

        var (exitCode, output, error) = await CliAsync(["auth", "token", "--role", Roles.Service], timeout.Token);

        Assert.NotEqual(0, exitCode);
        Assert.Equal("", output);
        Assert.Contains(Roles.Service, error, StringComparison.Ordinal);
    }

    private GrpcChannel Channel(string resource, string token) =>
        GrpcChannel.ForAddress(fixture.App.GetEndpoint(resource, "grpc"), new GrpcChannelOptions().WithToken(new FixedTokenSource(token)));

    /// <summary>
    /// The README's command (<c>dotnet run --project src/Diffusion.Cli</c>, not rebuilt: the test project builds it) with
    /// the app's identity provider and the CLI's client secret from the app's data directory in its environment.
    /// </summary>
    private async Task<(int ExitCode, string Output, string Error)> CliAsync(string[] args, CancellationToken cancellationToken)
    {
        var root = Repository.Root();
        // bin/<configuration>/net10.0/: the configuration the test project (and with it the CLI) was built in.
        var configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory))) ?? "Debug";
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        foreach (var argument in (string[])["run", "--project", Path.Combine(root, "src", "Diffusion.Cli"), "-c", configuration, "--no-build", "--", .. args])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["Auth__Authority"] = fixture.App.GetEndpoint("identity", "http").ToString();
        info.Environment["Auth__Client__ClientSecret"] = (await File.ReadAllTextAsync(Path.Combine(fixture.DataDirectory, "secrets", "cli"), cancellationToken)).Trim();
        info.Environment.Remove(BearerTokens.TokenVariable);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
