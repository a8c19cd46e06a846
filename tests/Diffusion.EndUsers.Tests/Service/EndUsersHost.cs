using Diffusion.EndUsers.Grpc;
using Diffusion.Endusers.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diffusion.EndUsers.Tests.Service;

/// <summary>
/// The real EndUsers service, wired by the shipped <c>AddEndUserServices()</c>, on Kestrel at 127.0.0.1 port 0
/// (h2c), configured only through Aspire's conventions (ConnectionStrings:ledger, services:quota:grpc:0).
/// </summary>
internal sealed class EndUsersHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly GrpcChannel channel;

    private EndUsersHost(WebApplication app, string address)
    {
        this.app = app;
        Address = address;
        channel = GrpcChannel.ForAddress(address);
        Client = new EndUserService.EndUserServiceClient(channel);
    }

    public string Address { get; }

    public EndUserService.EndUserServiceClient Client { get; }

    public IServiceProvider Services => app.Services;

    public static async Task<EndUsersHost> StartAsync(string ledgerConnectionString, string quotaAddress, IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:ledger"] = ledgerConnectionString,
            ["services:quota:grpc:0"] = quotaAddress,
            ["EndUsers:QuotaDeadline"] = "00:00:02",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddServiceDefaults();
        builder.AddEndUserServices();
        var app = builder.Build();
        app.MapGrpcService<EndUserGrpcService>();
        app.MapDefaultEndpoints();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new EndUsersHost(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        channel.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }
}
