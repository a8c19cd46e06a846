using Grpc.AspNetCore.Server;
using System.Net.Sockets;
using Diffusion.Grpc.Framing;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Diffusion.Grpc.Server;

/// <summary>
/// The server side of one call on Kestrel: owns the deadline, the cancellation token handed to the handler, and
/// every write to the response, so that the response is completed exactly once — by the handler's normal end, by
/// its exception, or by the deadline timer, whichever comes first — and nothing is written after that.
/// </summary>
internal sealed partial class HttpContextServerCallContext : ServerCallContext, IAsyncDisposable
{
    private readonly HttpContext _httpContext;
    private readonly IMethod _method;
    private readonly GrpcServiceOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _stateLock = new();
    private CancellationTokenSource? _callCts;
    private ITimer? _deadlineTimer;
    private Task? _deadlineTask;
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private DateTime _deadline = DateTime.MaxValue;
    private bool _responseStarted;
    private bool _completed;
    private bool _disposed;
    private volatile bool _deadlineExceeded;

    public HttpContextServerCallContext(HttpContext httpContext, IMethod method, GrpcServiceOptions options, ILogger logger)
    {
        _httpContext = httpContext;
        _method = method;
        _options = options;
        _logger = logger;
    }

    public HttpContext HttpContext => _httpContext;

    protected override string MethodCore => _method.FullName;

    protected override string HostCore => _httpContext.Request.Host.Value ?? string.Empty;

    protected override string PeerCore => FormatPeer(_httpContext.Connection);

    protected override DateTime DeadlineCore => _deadline;

    protected override Metadata RequestHeadersCore => _requestHeaders ??= ReadRequestHeaders(_httpContext.Request.Headers);

    protected override CancellationToken CancellationTokenCore => _callCts?.Token ?? _httpContext.RequestAborted;

    protected override Metadata ResponseTrailersCore => _responseTrailers ??= [];

    protected override Status StatusCore { get; set; } = Status.DefaultSuccess;

    protected override WriteOptions? WriteOptionsCore { get; set; }

    /// <summary>Whether the request carried a non-identity <c>grpc-encoding</c> (then compressed messages are legal).</summary>
    private bool CompressionNegotiated { get; set; }

    /// <summary>
    /// Reads the call's protocol headers. <c>grpc-timeout</c> starts the deadline ("Requests": the server must
    /// stop the call at the deadline); an encoding this runtime does not implement is UNIMPLEMENTED, with
    /// <c>grpc-accept-encoding</c> telling the client what is accepted ("Message-Encoding").
    /// </summary>
    public void Initialize()
    {
        var encoding = _httpContext.Request.Headers[GrpcProtocol.EncodingHeader].ToString();
        if (encoding.Length > 0 && !encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            _httpContext.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.IdentityEncoding;
            throw new RpcException(new Status(StatusCode.Unimplemented, $"Unsupported grpc-encoding value '{encoding}'. Supported encodings: identity"));
        }

        CompressionNegotiated = false;
        var timeoutHeader = _httpContext.Request.Headers[GrpcProtocol.TimeoutHeader].ToString();
        if (timeoutHeader.Length > 0 && GrpcTimeout.TryParse(timeoutHeader, out var timeout))
        {
            StartDeadline(timeout);
        }
    }

    /// <summary>Reads the next request message; a malformed stream surfaces as <see cref="RpcException"/>.</summary>
    public ValueTask<(bool HasMessage, T Message)> ReadMessageAsync<T>(Func<DeserializationContext, T> deserializer, CancellationToken cancellationToken) =>
        MessageReader.ReadAsync(_httpContext.Request.BodyReader, deserializer, _options.MaxReceiveMessageSize, CompressionNegotiated, cancellationToken);

    /// <summary>
    /// Frames one response message into the body. Unary responses are not flushed: completing the call sends
    /// headers, message and trailers together. Streamed ones are flushed so the client sees each as it comes.
    /// </summary>
    public async Task WriteMessageAsync<T>(T message, Action<T, SerializationContext> serializer, bool flush, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_completed)
            {
                throw new InvalidOperationException("Can't write the message because the call is complete.");
            }

            // After the client has gone (RST_STREAM, connection loss) or the deadline passed, writing is pointless.
            CancellationTokenCore.ThrowIfCancellationRequested();
            cancellationToken.ThrowIfCancellationRequested();
            StartResponse();
            var context = new FramingSerializationContext(_httpContext.Response.BodyWriter, _options.MaxSendMessageSize);
            serializer(message, context);
            if (!context.Completed)
            {
                throw new InvalidOperationException("The serializer did not complete the message.");
            }

            if (flush)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(CancellationTokenCore, cancellationToken);
                await _httpContext.Response.BodyWriter.FlushAsync(linked.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    protected override async Task WriteResponseHeadersAsyncCore(Metadata responseHeaders)
    {
        ArgumentNullException.ThrowIfNull(responseHeaders);
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_responseStarted || _completed)
            {
                throw new InvalidOperationException("Response headers can only be sent once per call, before any message.");
            }

            foreach (var entry in responseHeaders)
            {
                if (!GrpcProtocol.IsReservedHeader(entry.Key))
                {
                    _httpContext.Response.Headers.Append(entry.Key, MetadataHeaders.ToHeaderValue(entry));
                }
            }

            StartResponse();
            await _httpContext.Response.StartAsync(CancellationTokenCore).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Ends the call after the handler returned (<paramref name="exception"/> null) or threw.</summary>
    public Task EndCallAsync(Exception? exception)
    {
        if (exception is null)
        {
            return CompleteAsync(StatusCore, null);
        }

        if (exception is RpcException rpc)
        {
            return CompleteAsync(rpc.Status, rpc.Trailers);
        }

        if (_deadlineExceeded)
        {
            // The deadline already answered DEADLINE_EXCEEDED; what the handler threw on its way out is moot.
            return Task.CompletedTask;
        }

        if (_httpContext.RequestAborted.IsCancellationRequested || exception is IOException)
        {
            // The client reset the stream or dropped the connection (reads then fail with IOException, waits with
            // OperationCanceledException): there is nobody to send a status to, and nothing went wrong here.
            Log.CallAborted(_logger, _method.FullName, exception);
            return CompleteAsync(new Status(StatusCode.Cancelled, "The client cancelled the call."), null);
        }

        Log.HandlerFailed(_logger, _method.FullName, exception);
        var detail = _options.EnableDetailedErrors
            ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
            : "Exception was thrown by handler.";
        return CompleteAsync(new Status(StatusCode.Unknown, detail), null);
    }

    /// <summary>The status the call ended with (for tracing and tests); null until complete.</summary>
    public StatusCode? FinalStatusCode { get; private set; }

    public async ValueTask DisposeAsync()
    {
        Task? deadlineTask;
        lock (_stateLock)
        {
            _disposed = true;
            deadlineTask = _deadlineTask;
        }

        if (_deadlineTimer is not null)
        {
            await _deadlineTimer.DisposeAsync().ConfigureAwait(false);
        }

        if (deadlineTask is not null)
        {
            await deadlineTask.ConfigureAwait(false);
        }

        _callCts?.Dispose();
        _writeLock.Dispose();
    }

    private void StartDeadline(TimeSpan timeout)
    {
        _deadline = DateTime.UtcNow + timeout;
        _callCts = CancellationTokenSource.CreateLinkedTokenSource(_httpContext.RequestAborted);
        if (timeout <= TimeSpan.Zero)
        {
            _deadlineExceeded = true;
            _callCts.Cancel();
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
        }

        // Timers beyond ~24.8 days are not representable; such a deadline is as good as none.
        if (timeout.TotalMilliseconds < int.MaxValue)
        {
            _deadlineTimer = TimeProvider.System.CreateTimer(static state => ((HttpContextServerCallContext)state!).OnDeadline(), this, timeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnDeadline()
    {
        lock (_stateLock)
        {
            if (_disposed || _deadlineTask is not null)
            {
                return;
            }

            _deadlineTask = DeadlineExceededAsync();
        }
    }

    private async Task DeadlineExceededAsync()
    {
        await Task.Yield();
        _deadlineExceeded = true;
        Log.DeadlineExceeded(_logger, _method.FullName);
        try
        {
            // Cancel first: a write blocked on HTTP/2 flow control gives up the write lock.
            await _callCts!.CancelAsync().ConfigureAwait(false);
            await CompleteAsync(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), null).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            Log.DeadlineCompletionFailed(_logger, _method.FullName, ex);
        }
    }

    /// <summary>
    /// Sends the status. Before any message or header was sent this is a Trailers-Only response ("Responses":
    /// HTTP status, content-type and the trailers all in one HEADERS frame with END_STREAM); otherwise the status
    /// goes in the trailing HEADERS frame.
    /// </summary>
    private async Task CompleteAsync(Status status, Metadata? extraTrailers)
    {
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            FinalStatusCode = status.StatusCode;
            var response = _httpContext.Response;
            if (_httpContext.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            if (!_responseStarted)
            {
                StartResponse();
                WriteStatus(response.Headers, status, extraTrailers);
            }
            else
            {
                var trailers = new HeaderDictionary();
                WriteStatus(trailers, status, extraTrailers);
                foreach (var (key, value) in trailers)
                {
                    response.AppendTrailer(key, value);
                }
            }

            await response.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void WriteStatus(IHeaderDictionary headers, Status status, Metadata? extraTrailers)
    {
        headers[GrpcProtocol.StatusTrailer] = ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (status.Detail.Length > 0)
        {
            headers[GrpcProtocol.MessageTrailer] = PercentEncoding.Encode(status.Detail);
        }

        AppendMetadata(headers, _responseTrailers);
        AppendMetadata(headers, extraTrailers);
    }

    private static void AppendMetadata(IHeaderDictionary headers, Metadata? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var entry in metadata)
        {
            if (!GrpcProtocol.IsReservedHeader(entry.Key))
            {
                headers.Append(entry.Key, MetadataHeaders.ToHeaderValue(entry));
            }
        }
    }

    /// <summary>Response-Headers ("Responses"): :status 200 and content-type; gRPC errors never change the HTTP status.</summary>
    private void StartResponse()
    {
        if (_responseStarted)
        {
            return;
        }

        _responseStarted = true;
        _httpContext.Response.StatusCode = StatusCodes.Status200OK;
        _httpContext.Response.ContentType = GrpcProtocol.ContentType;
    }

    private static Metadata ReadRequestHeaders(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers)
        {
            foreach (var value in values)
            {
                MetadataHeaders.AddFromHeader(metadata, key, value);
            }
        }

        return metadata;
    }

    // Peer names as grpc-core formats them: "ipv4:127.0.0.1:50051", "ipv6:[::1]:50051".
    private static string FormatPeer(ConnectionInfo connection) => connection.RemoteIpAddress switch
    {
        null => "unknown",
        { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"ipv6:[{ip}]:{connection.RemotePort}",
        var ip => $"ipv4:{ip}:{connection.RemotePort}",
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "gRPC handler for {Method} threw an unexpected exception; the client got UNKNOWN.")]
        public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

        [LoggerMessage(2, LogLevel.Debug, "gRPC call {Method} exceeded its deadline.")]
        public static partial void DeadlineExceeded(ILogger logger, string method);

        [LoggerMessage(4, LogLevel.Debug, "gRPC call {Method} was aborted by the client.")]
        public static partial void CallAborted(ILogger logger, string method, Exception exception);

        [LoggerMessage(3, LogLevel.Debug, "Completing gRPC call {Method} at its deadline failed.")]
        public static partial void DeadlineCompletionFailed(ILogger logger, string method, Exception exception);
    }
}
