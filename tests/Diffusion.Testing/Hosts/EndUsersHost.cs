using Diffusion.EndUsers;
using Diffusion.Endusers.V1;
using Diffusion.Testing.Grpc;
using Microsoft.Extensions.Hosting;

namespace Diffusion.Testing.Hosts;

/// <summary>
/// The real EndUsers service, wired by the shipped <c>AddEndUserServices()</c>, on Kestrel at 127.0.0.1 port 0
/// (h2c), configured only through Aspire's conventions (ConnectionStrings:ledger, services:quota:grpc:0). Its
/// <see cref="RunningService{TClient}.Channel"/> also reaches the other services EndUsers hosts (screening).
/// </summary>
public sealed class EndUsersHost : RunningService<EndUserService.EndUserServiceClient>
{
    private EndUsersHost(GrpcTestServer server)
        : base(server, channel => new EndUserService.EndUserServiceClient(channel))
    {
    }

    /// <summary>Starts EndUsers on its ledger database, calling Quota at <paramref name="quotaAddress"/>.</summary>
    public static async Task<EndUsersHost> StartAsync(string ledgerConnectionString, string quotaAddress) =>
        new(await ProgramHost.StartAsync(
            builder => builder.AddEndUserServices(),
            app =>
            {
                app.MapEndUserGrpcServices();
                app.MapDefaultEndpoints();
            },
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:ledger"] = ledgerConnectionString,
                ["services:quota:grpc:0"] = quotaAddress,
                // Generous: these tests check outcomes, not timing, and a loaded CI machine can take seconds per call.
                ["EndUsers:QuotaDeadline"] = "00:00:30",
            }).ConfigureAwait(false));
}
