using Diffusion.Testing.Hosts;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Diffusion.Testing.Grpc;

/// <summary>
/// One real service for a test collection: wired as its Program.cs (<see cref="ProgramHost"/>: service defaults,
/// authentication, then the service's own registrations), on Kestrel at 127.0.0.1 port 0 (h2c) with the repository's rules/, and a
/// Grpc.Net.Client client presenting a token of every role. A service's fixture says only what differs.
/// </summary>
/// <typeparam name="TClient">The generated client of the service.</typeparam>
public abstract class ServiceFixture<TClient> : IAsyncLifetime where TClient : class
{
    private GrpcTestServer? _server;

    /// <summary>The client, over the server's shared channel.</summary>
    public TClient Client { get; private set; } = null!;

    /// <summary>The server's address.</summary>
    public Uri Address => _server!.Address;

    /// <summary>The service's own registrations, after the service defaults (e.g. <c>AddClassificationServices()</c>).</summary>
    protected abstract void AddServices(WebApplicationBuilder builder);

    /// <summary>Maps the service's gRPC endpoints (the health endpoints are mapped after).</summary>
    protected abstract void MapServices(WebApplication app);

    /// <summary>The client over <paramref name="channel"/>.</summary>
    protected abstract TClient CreateClient(GrpcChannel channel);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _server = await ProgramHost.StartAsync(
            AddServices,
            app =>
            {
                MapServices(app);
                app.MapDefaultEndpoints();
            });
        Client = CreateClient(_server.Channel);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
