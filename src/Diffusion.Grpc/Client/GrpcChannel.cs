using System.Collections.Concurrent;
using System.Net;
using Diffusion.Grpc.Client;
using Grpc.Core;

namespace Grpc.Net.Client;

/// <summary>
/// A channel to one gRPC server address over HTTP/2, as grpc-dotnet's:
/// <c>using var channel = GrpcChannel.ForAddress("http://127.0.0.1:5001"); var client = new QuotaService.QuotaServiceClient(channel);</c>
/// An <c>http://</c> address speaks h2c with prior knowledge (no upgrade), <c>https://</c> negotiates h2 by ALPN.
/// Channels are cheap; by default they share one connection pool.
/// </summary>
public sealed class GrpcChannel : ChannelBase, IDisposable
{
    private static readonly Lazy<SocketsHttpHandler> SharedHandler = new(CreateSharedHandler);

    private readonly HttpMessageInvoker _invoker;
    private readonly bool _disposeInvoker;
    private readonly HttpClientCallInvoker _callInvoker;
    private readonly ConcurrentDictionary<string, Uri> _methodUris = new(StringComparer.Ordinal);
    private readonly string _baseAddress;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
        : base(address.Authority)
    {
        Address = address;
        _baseAddress = address.GetLeftPart(UriPartial.Path).TrimEnd('/');
        MaxReceiveMessageSize = options.MaxReceiveMessageSize;
        MaxSendMessageSize = options.MaxSendMessageSize;
        if (options.HttpClient is not null)
        {
            _invoker = options.HttpClient;
            _disposeInvoker = options.DisposeHttpClient;
        }
        else if (options.HttpHandler is not null)
        {
            _invoker = new HttpMessageInvoker(options.HttpHandler, options.DisposeHttpClient);
            _disposeInvoker = true;
        }
        else
        {
            _invoker = new HttpMessageInvoker(SharedHandler.Value, disposeHandler: false);
            _disposeInvoker = true;
        }

        _callInvoker = new HttpClientCallInvoker(this);
    }

    /// <summary>The server address.</summary>
    public Uri Address { get; }

    internal int? MaxReceiveMessageSize { get; }

    internal int? MaxSendMessageSize { get; }

    internal HttpMessageInvoker Invoker => _invoker;

    internal bool Disposed { get; private set; }

    /// <summary>Creates a channel to <paramref name="address"/>, e.g. <c>http://127.0.0.1:5001</c>.</summary>
    public static GrpcChannel ForAddress(string address) => ForAddress(address, new GrpcChannelOptions());

    /// <summary>Creates a channel to <paramref name="address"/> with options.</summary>
    public static GrpcChannel ForAddress(string address, GrpcChannelOptions channelOptions)
    {
        ArgumentNullException.ThrowIfNull(address);
        return ForAddress(new Uri(address, UriKind.Absolute), channelOptions);
    }

    /// <summary>Creates a channel to <paramref name="address"/>.</summary>
    public static GrpcChannel ForAddress(Uri address) => ForAddress(address, new GrpcChannelOptions());

    /// <summary>Creates a channel to <paramref name="address"/> with options.</summary>
    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions channelOptions)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(channelOptions);
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Address '{address}' must be http:// or https://.", nameof(address));
        }

        return new GrpcChannel(address, channelOptions);
    }

    public override CallInvoker CreateCallInvoker()
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        return _callInvoker;
    }

    public void Dispose()
    {
        if (Disposed)
        {
            return;
        }

        Disposed = true;
        if (_disposeInvoker)
        {
            _invoker.Dispose();
        }
    }

    protected override Task ShutdownAsyncCore()
    {
        Dispose();
        return Task.CompletedTask;
    }

    internal Uri GetMethodUri(IMethod method) => _methodUris.GetOrAdd(method.FullName, static (path, self) => new Uri(self._baseAddress + path), this);

    /// <summary>
    /// One pool for every channel of the process: HTTP/2 multiplexes calls on a connection, and
    /// <see cref="SocketsHttpHandler.EnableMultipleHttp2Connections"/> opens more when a connection reaches the
    /// server's concurrent-stream limit instead of queueing. No proxy: h2c with prior knowledge cannot cross one.
    /// </summary>
    private static SocketsHttpHandler CreateSharedHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };
}
