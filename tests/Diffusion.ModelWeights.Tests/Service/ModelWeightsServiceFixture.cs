using System.Net;
using Diffusion.ModelWeights.Grpc;
using Diffusion.Modelweights.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diffusion.ModelWeights.Tests.Service;

/// <summary>
/// The real service, wired by the same <c>AddModelWeightsServices()</c> as Program.cs, on Kestrel at 127.0.0.1 port 0
/// (h2c), with the repository's rules/ directory; a client on the project's gRPC runtime.
/// </summary>
public sealed class ModelWeightsServiceFixture : IAsyncLifetime
{
    private WebApplication? _app;
    private GrpcChannel? _channel;

    public ModelWeightsService.ModelWeightsServiceClient Client { get; private set; } = null!;

    public Uri Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.AddServiceDefaults();
        builder.AddModelWeightsServices();
        _app = builder.Build();
        _app.MapGrpcService<ModelWeightsGrpcService>();
        _app.MapDefaultEndpoints();
        using var started = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _app.StartAsync(started.Token);

        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Address = new Uri(address);
        _channel = GrpcChannel.ForAddress(Address);
        Client = new ModelWeightsService.ModelWeightsServiceClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _app.StopAsync(stopping.Token);
            await _app.DisposeAsync();
        }
    }
}
