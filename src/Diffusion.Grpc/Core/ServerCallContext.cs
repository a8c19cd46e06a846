namespace Grpc.Core;

/// <summary>The server side of one call, as seen by a service handler.</summary>
public abstract class ServerCallContext
{
    private Dictionary<object, object>? _userState;

    /// <summary>The method's path, e.g. <c>/diffusion.quota.v1.QuotaService/Reserve</c>.</summary>
    public string Method => MethodCore;

    /// <summary>The host (authority) the client called.</summary>
    public string Host => HostCore;

    /// <summary>The client's address, e.g. <c>ipv4:127.0.0.1:50123</c>.</summary>
    public string Peer => PeerCore;

    /// <summary>The call's deadline (UTC); <see cref="DateTime.MaxValue"/> when the client sent none.</summary>
    public DateTime Deadline => DeadlineCore;

    /// <summary>The request metadata the client sent.</summary>
    public Metadata RequestHeaders => RequestHeadersCore;

    /// <summary>Fires when the client cancels, the connection drops, or the deadline passes.</summary>
    public CancellationToken CancellationToken => CancellationTokenCore;

    /// <summary>Metadata to send in the trailers when the call ends.</summary>
    public Metadata ResponseTrailers => ResponseTrailersCore;

    /// <summary>The status to end the call with when the handler returns normally (OK unless set).</summary>
    public Status Status
    {
        get => StatusCore;
        set => StatusCore = value;
    }

    /// <summary>Options for writes of the response stream.</summary>
    public WriteOptions? WriteOptions
    {
        get => WriteOptionsCore;
        set => WriteOptionsCore = value;
    }

    /// <summary>State a handler may keep for the duration of the call.</summary>
    public IDictionary<object, object> UserState => UserStateCore;

    protected abstract string MethodCore { get; }

    protected abstract string HostCore { get; }

    protected abstract string PeerCore { get; }

    protected abstract DateTime DeadlineCore { get; }

    protected abstract Metadata RequestHeadersCore { get; }

    protected abstract CancellationToken CancellationTokenCore { get; }

    protected abstract Metadata ResponseTrailersCore { get; }

    protected abstract Status StatusCore { get; set; }

    protected abstract WriteOptions? WriteOptionsCore { get; set; }

    protected virtual IDictionary<object, object> UserStateCore => _userState ??= [];

    /// <summary>Sends the response headers now, with <paramref name="responseHeaders"/>; at most once, before any message.</summary>
    public Task WriteResponseHeadersAsync(Metadata responseHeaders) => WriteResponseHeadersAsyncCore(responseHeaders);

    protected abstract Task WriteResponseHeadersAsyncCore(Metadata responseHeaders);
}
