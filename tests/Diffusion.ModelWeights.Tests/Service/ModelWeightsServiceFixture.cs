using Diffusion.ModelWeights.Grpc;
using Diffusion.Modelweights.V1;
using Diffusion.Testing.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Diffusion.ModelWeights.Tests.Service;

/// <summary>
/// The real service, wired by the same <c>AddServiceDefaults()</c> + <c>AddModelWeightsServices()</c> as Program.cs,
/// on Kestrel at 127.0.0.1 port 0 (h2c) with the repository's rules/ directory; a Grpc.Net.Client client.
/// </summary>
public sealed class ModelWeightsServiceFixture : IAsyncLifetime
{
    private GrpcTestServer? _server;

    public ModelWeightsService.ModelWeightsServiceClient Client { get; private set; } = null!;

    public Uri Address => _server!.Address;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync(
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddDiffusionAuthentication();
                builder.AddModelWeightsServices();
            },
            app =>
            {
                app.MapGrpcService<ModelWeightsGrpcService>();
                app.MapDefaultEndpoints();
            });
        Client = new ModelWeightsService.ModelWeightsServiceClient(_server.Channel);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
