using System.Net;
using Diffusion.Testing.Auth;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Diffusion.Testing.Grpc;

/// <summary>
/// Hosts gRPC services in-process on real Kestrel, 127.0.0.1 port 0, HTTP/2 cleartext — the transport the services
/// run on in production, not an in-memory substitute — and hands out channels to it.
/// <code>
/// await using var server = await GrpcTestServer.StartAsync(
///     builder => builder.AddQuotaServices(),
///     app => app.MapGrpcService&lt;QuotaGrpcService&gt;());
/// var client = new QuotaService.QuotaServiceClient(server.Channel);
/// </code>
/// <c>AddGrpc()</c> is always called. Every start and stop is bounded by a timeout. Services that require bearer tokens
/// (<c>AddDiffusionAuthentication</c>) trust the tests' issuer (<see cref="TestTokens"/>), get a service identity of their
/// own for the calls they make, and every channel handed out presents a token of every role unless told otherwise.
/// </summary>
public sealed class GrpcTestServer : IAsyncDisposable
{
    private static readonly TimeSpan StartStopTimeout = TimeSpan.FromSeconds(30);
    private readonly List<GrpcChannel> _channels = [];
    private readonly Lock _lock = new();
    private GrpcChannel? _channel;

    private GrpcTestServer(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
    }

    /// <summary>The running application.</summary>
    public WebApplication App { get; }

    /// <summary>The server's services (to reach singletons a test needs to inspect).</summary>
    public IServiceProvider Services => App.Services;

    /// <summary>The h2c address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address { get; }

    /// <summary>A channel to the server with default options, disposed with the server.</summary>
    public GrpcChannel Channel
    {
        get
        {
            lock (_lock)
            {
                return _channel ??= CreateChannelCore(new GrpcChannelOptions());
            }
        }
    }

    /// <summary>Starts a server hosting <typeparamref name="TService"/> (plus whatever <paramref name="configureBuilder"/> adds).</summary>
    public static Task<GrpcTestServer> StartAsync<TService>(Action<WebApplicationBuilder>? configureBuilder = null, CancellationToken cancellationToken = default)
        where TService : class =>
        StartAsync(builder => configureBuilder?.Invoke(builder), app => app.MapGrpcService<TService>(), cancellationToken);

    /// <summary>Starts a server: <paramref name="configureBuilder"/> registers services, <paramref name="configureApp"/> maps endpoints.</summary>
    public static async Task<GrpcTestServer> StartAsync(Action<WebApplicationBuilder> configureBuilder, Action<WebApplication> configureApp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configureBuilder);
        ArgumentNullException.ThrowIfNull(configureApp);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddGrpc();
        builder.TrustTestIssuer();
        configureBuilder(builder);
        builder.UseTestServiceIdentity();

        // Last word on endpoints: one h2c listener on an ephemeral loopback port, whatever the service configured.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));

        var app = builder.Build();
        configureApp(app);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartStopTimeout);
        await app.StartAsync(timeout.Token).ConfigureAwait(false);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel reported no addresses.");
        var address = new Uri(addresses.First(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
        return new GrpcTestServer(app, address);
    }

    /// <summary>
    /// Creates another channel (e.g. with size limits); disposed with the server. It presents <paramref name="token"/>
    /// (default: a token of every role) unless <paramref name="options"/> bring credentials of their own.
    /// </summary>
    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null, string? token = null)
    {
        lock (_lock)
        {
            return CreateChannelCore(options ?? new GrpcChannelOptions(), token);
        }
    }

    /// <summary>Creates a channel that presents no token at all; disposed with the server.</summary>
    public GrpcChannel CreateAnonymousChannel()
    {
        lock (_lock)
        {
            var channel = GrpcChannel.ForAddress(Address);
            _channels.Add(channel);
            return channel;
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            foreach (var channel in _channels)
            {
                channel.Dispose();
            }

            _channels.Clear();
        }

        using var timeout = new CancellationTokenSource(StartStopTimeout);
        await App.StopAsync(timeout.Token).ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
    }

    private GrpcChannel CreateChannelCore(GrpcChannelOptions options, string? token = null)
    {
        var channel = GrpcChannel.ForAddress(Address, options.Credentials is null ? TestTokens.WithToken(options, token) : options);
        _channels.Add(channel);
        return channel;
    }
}
