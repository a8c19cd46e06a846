using Diffusion.Testing.Grpc;
using Grpc.Core;
using Grpc.Net.Client;

namespace Diffusion.Testing.Hosts;

/// <summary>
/// A service started by <see cref="ProgramHost"/> with its generated client: what every host class of the tests
/// (<see cref="QuotaNode"/>, <see cref="EndUsersHost"/>) hands out. Disposing stops the server and its channels.
/// </summary>
/// <typeparam name="TClient">The service's generated client.</typeparam>
public abstract class RunningService<TClient> : IAsyncDisposable
    where TClient : ClientBase<TClient>
{
    /// <summary>Wraps a started <paramref name="server"/>; <paramref name="client"/> makes the client over a channel.</summary>
    protected RunningService(GrpcTestServer server, Func<GrpcChannel, TClient> client)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(client);
        Server = server;
        Client = client(server.Channel);
    }

    /// <summary>A client on the default channel (a token of every role).</summary>
    public TClient Client { get; }

    /// <summary>The default channel.</summary>
    public GrpcChannel Channel => Server.Channel;

    /// <summary>The service's services (to reach singletons a test inspects).</summary>
    public IServiceProvider Services => Server.Services;

    /// <summary>The h2c address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address => Server.Address;

    /// <summary>The server.</summary>
    protected GrpcTestServer Server { get; }

    /// <summary>Another channel (e.g. presenting a token of one role); disposed with the service.</summary>
    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null, string? token = null) => Server.CreateChannel(options, token);

    /// <inheritdoc/>
    public virtual async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
