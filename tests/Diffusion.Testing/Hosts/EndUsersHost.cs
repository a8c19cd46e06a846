using Diffusion.EndUsers;
using Diffusion.Endusers.V1;
using Diffusion.Testing.Grpc;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Diffusion.Testing.Hosts;

/// <summary>
/// The real EndUsers service, wired by the shipped <c>AddEndUserServices()</c>, on Kestrel at 127.0.0.1 port 0
/// (h2c), configured only through Aspire's conventions (ConnectionStrings:ledger, services:quota:grpc:0).
/// </summary>
public sealed class EndUsersHost : IAsyncDisposable
{
    private readonly GrpcTestServer server;

    private EndUsersHost(GrpcTestServer server)
    {
        this.server = server;
        Client = new EndUserService.EndUserServiceClient(server.Channel);
    }

    /// <summary>A client on the host's default channel.</summary>
    public EndUserService.EndUserServiceClient Client { get; }

    /// <summary>The host's default channel (a token of every role), for the other services EndUsers hosts (screening).</summary>
    public GrpcChannel Channel => server.Channel;

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => server.Services;

    /// <summary>The h2c address.</summary>
    public Uri Address => server.Address;

    /// <summary>Starts EndUsers on its ledger database, calling Quota at <paramref name="quotaAddress"/>.</summary>
    public static async Task<EndUsersHost> StartAsync(string ledgerConnectionString, string quotaAddress)
    {
        var server = await GrpcTestServer.StartAsync(
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["ConnectionStrings:ledger"] = ledgerConnectionString,
                    ["services:quota:grpc:0"] = quotaAddress,
                    // Generous: these tests check outcomes, not timing, and a loaded CI machine can take seconds per call.
                    ["EndUsers:QuotaDeadline"] = "00:00:30",
                });
                builder.AddServiceDefaults();
                builder.AddDiffusionAuthentication();
                builder.AddEndUserServices();
            },
            app =>
            {
                app.MapEndUserGrpcServices();
                app.MapDefaultEndpoints();
            });
        return new EndUsersHost(server);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => server.DisposeAsync();
}
