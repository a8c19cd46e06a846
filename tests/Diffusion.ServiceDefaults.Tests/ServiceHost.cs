using Diffusion.Testing.Auth;
using Diffusion.Testing.Processes;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Diffusion.ServiceDefaults.Tests;

/// <summary>
/// A real Kestrel host with the service defaults, configured as the AppHost configures a service: two named endpoints
/// on 127.0.0.1, <c>http</c> (HTTP/1.1, health probes) and <c>grpc</c> (HTTP/2 only, h2c), in Production. Both ports
/// are chosen before start, so a host can be given its own address (a service that calls itself). Like every service it
/// requires bearer tokens (of the tests' issuer) and calls others with a service identity of its own.
/// </summary>
internal sealed class ServiceHost : IAsyncDisposable
{
    private static readonly TimeSpan StartStopTimeout = TimeSpan.FromSeconds(30);
    private GrpcChannel? channel;

    private ServiceHost(WebApplication app, Uri httpAddress, Uri grpcAddress)
    {
        App = app;
        HttpAddress = httpAddress;
        GrpcAddress = grpcAddress;
        Http = new HttpClient { BaseAddress = httpAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public WebApplication App { get; }

    /// <summary>The HTTP/1.1 endpoint (<c>Kestrel:Endpoints:http</c>).</summary>
    public Uri HttpAddress { get; }

    /// <summary>The h2c gRPC endpoint (<c>Kestrel:Endpoints:grpc</c>).</summary>
    public Uri GrpcAddress { get; }

    /// <summary>An HTTP/1.1 client on the health endpoint, as the AppHost's probe talks.</summary>
    public HttpClient Http { get; }

    /// <summary>A channel to the gRPC endpoint, disposed with the host.</summary>
    public GrpcChannel Channel => channel ??= GrpcChannel.ForAddress(GrpcAddress, TestTokens.WithToken());

    /// <summary>
    /// Starts a host. <paramref name="settings"/> may use <c>{grpc}</c> in values for the host's own gRPC address.
    /// </summary>
    public static async Task<ServiceHost> StartAsync(
        IReadOnlyDictionary<string, string?> settings,
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? map = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var httpAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
            var grpcAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                ApplicationName = "Diffusion.ServiceDefaults.Tests",
                EnvironmentName = Environments.Production,
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kestrel:Endpoints:http:Url"] = httpAddress.ToString(),
                ["Kestrel:Endpoints:http:Protocols"] = "Http1",
                ["Kestrel:Endpoints:grpc:Url"] = grpcAddress.ToString(),
                ["Kestrel:Endpoints:grpc:Protocols"] = "Http2",
            });
            builder.Configuration.AddInMemoryCollection(settings.ToDictionary(
                s => s.Key,
                s => s.Value?.Replace("{grpc}", grpcAddress.ToString().TrimEnd('/'), StringComparison.Ordinal)));
            builder.TrustTestIssuer();
            builder.AddServiceDefaults();
            builder.AddDiffusionAuthentication();
            configure?.Invoke(builder);
            builder.UseTestServiceIdentity();
            var app = builder.Build();
            map?.Invoke(app);
            app.MapDefaultEndpoints();
            try
            {
                using var timeout = new CancellationTokenSource(StartStopTimeout);
                await app.StartAsync(timeout.Token);
                return new ServiceHost(app, httpAddress, grpcAddress);
            }
            catch (IOException) when (attempt < 3)
            {
                // A port taken between FreePort.Next() and the bind: try two new ones.
                await app.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        channel?.Dispose();
        Http.Dispose();
        using var timeout = new CancellationTokenSource(StartStopTimeout);
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}
