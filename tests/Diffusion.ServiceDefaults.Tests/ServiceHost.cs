using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diffusion.ServiceDefaults.Tests;

/// <summary>A real Kestrel host on 127.0.0.1 port 0 with the service defaults, configured like the AppHost does it.</summary>
internal sealed class ServiceHost : IAsyncDisposable
{
    private ServiceHost(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Client = new HttpClient(new SocketsHttpHandler())
        {
            BaseAddress = address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    /// <summary>An h2c client (prior knowledge), as gRPC clients and the AppHost's health probe talk.</summary>
    public HttpClient Client { get; }

    public static async Task<ServiceHost> StartAsync(
        IReadOnlyDictionary<string, string?> settings,
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = "Diffusion.ServiceDefaults.Tests",
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        configure?.Invoke(builder);
        var app = builder.Build();
        map?.Invoke(app);
        app.MapDefaultEndpoints();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single();
        return new ServiceHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
