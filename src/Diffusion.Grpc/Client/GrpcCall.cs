using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using Diffusion.Grpc.Diagnostics;
using Diffusion.Grpc.Framing;
using Grpc.Core;
using Grpc.Net.Client;

namespace Diffusion.Grpc.Client;

/// <summary>
/// One client call: one HTTP/2 request (PROTOCOL-HTTP2 "Requests"), the response read in either of its two forms
/// ("Responses": headers, messages, trailers — or Trailers-Only, where grpc-status is in the headers), and a
/// status that is set exactly once. Deadlines are enforced locally as well as sent as <c>grpc-timeout</c>, so a
/// call ends at its deadline even when the server never answers.
/// </summary>
internal sealed class GrpcCall<TRequest, TResponse> : IDisposable
    where TRequest : class
    where TResponse : class
{
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly GrpcChannel _channel;
    private readonly CancellationTokenSource _callCts;
    private readonly TaskCompletionSource<Metadata> _headersTcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private ITimer? _deadlineTimer;
    private Activity? _activity;
    private HttpResponseMessage? _response;
    private PipeReader? _responseReader;
    private Task<bool>? _startTask;
    private Status? _status;
    private Metadata? _trailers;
    private volatile bool _deadlineExceeded;
    private bool _disposed;
    private ClientStreamReader<TRequest, TResponse>? _responseStream;
    private ClientStreamWriter<TRequest, TResponse>? _requestStream;

    public GrpcCall(Method<TRequest, TResponse> method, CallOptions options, GrpcChannel channel)
    {
        _method = method;
        _options = options;
        _channel = channel;
        _callCts = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
    }

    public Task<Metadata> ResponseHeadersAsync => _headersTcs.Task;

    // Created only by the streaming call kinds: a unary call needs neither.
    public ClientStreamReader<TRequest, TResponse> ResponseStream => _responseStream ??= new ClientStreamReader<TRequest, TResponse>(this);

    public ClientStreamWriter<TRequest, TResponse> RequestStream => _requestStream ??= new ClientStreamWriter<TRequest, TResponse>(this);

    internal CancellationToken CallToken => _callCts.Token;

    internal Method<TRequest, TResponse> Method => _method;

    internal int? MaxSendMessageSize => _channel.MaxSendMessageSize;

    public Status GetStatus()
    {
        lock (_lock)
        {
            return _status ?? throw new InvalidOperationException("Unable to get the status because the call is not complete.");
        }
    }

    public Metadata GetTrailers()
    {
        lock (_lock)
        {
            return _status is null
                ? throw new InvalidOperationException("Unable to get the trailers because the call is not complete.")
                : _trailers ?? Metadata.Empty;
        }
    }

    public async Task<TResponse> RunUnaryAsync(TRequest request)
    {
        var content = CreateUnaryContent(request);
        if (content is null || !await StartAsync(content).ConfigureAwait(false))
        {
            throw CreateFailure();
        }

        return await ReadSingleResponseAsync().ConfigureAwait(false);
    }

    public void StartServerStreaming(TRequest request)
    {
        var content = CreateUnaryContent(request);
        _startTask = content is null ? Task.FromResult(false) : StartAsync(content);
    }

    public Task<TResponse> RunClientStreamingAsync()
    {
        _startTask = StartAsync(RequestStream.Content);
        return ReadClientStreamingResponseAsync();
    }

    public void StartDuplexStreaming() => _startTask = StartAsync(RequestStream.Content);

    /// <summary>Reads the next response message of a streaming call; false (after an OK status) at the end.</summary>
    internal async Task<(bool HasMessage, TResponse Message)> ReadNextAsync(CancellationToken cancellationToken)
    {
        if (!await _startTask!.ConfigureAwait(false))
        {
            ThrowIfFailed();
            return (false, default!);
        }

        using var registration = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _callCts);
        try
        {
            var (hasMessage, message) = await MessageReader.ReadAsync(
                _responseReader!, _method.ResponseMarshaller.ContextualDeserializer, _channel.MaxReceiveMessageSize, false, _callCts.Token).ConfigureAwait(false);
            if (hasMessage)
            {
                return (true, message);
            }

            FinishFromTrailers();
        }
        catch (Exception ex)
        {
            FinishWithException(ex);
        }

        ThrowIfFailed();
        return (false, default!);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        if (_status is null)
        {
            // Disposing a running call cancels it: the handler resets the HTTP/2 stream (RST_STREAM CANCEL).
            Finish(new Status(StatusCode.Cancelled, "gRPC call disposed."), null);
        }

        _callCts.Cancel();
        _deadlineTimer?.Dispose();
        _response?.Dispose();
        _callCts.Dispose();
    }

    private async Task<TResponse> ReadSingleResponseAsync()
    {
        try
        {
            var (hasMessage, message) = await MessageReader.ReadAsync(
                _responseReader!, _method.ResponseMarshaller.ContextualDeserializer, _channel.MaxReceiveMessageSize, false, _callCts.Token).ConfigureAwait(false);
            if (hasMessage)
            {
                var (hasMore, _) = await MessageReader.ReadAsync(
                    _responseReader!, _method.ResponseMarshaller.ContextualDeserializer, _channel.MaxReceiveMessageSize, false, _callCts.Token).ConfigureAwait(false);
                if (hasMore)
                {
                    throw new RpcException(new Status(StatusCode.Internal, "Unary response contained more than one message."));
                }
            }

            FinishFromTrailers();
            if (_status!.Value.StatusCode == StatusCode.OK)
            {
                return hasMessage
                    ? message
                    : throw FailWith(new Status(StatusCode.Internal, "Failed to deserialize response message: the response had no message."));
            }
        }
        catch (Exception ex)
        {
            FinishWithException(ex);
        }

        throw CreateFailure();
    }

    private async Task<TResponse> ReadClientStreamingResponseAsync()
    {
        if (!await _startTask!.ConfigureAwait(false))
        {
            throw CreateFailure();
        }

        return await ReadSingleResponseAsync().ConfigureAwait(false);
    }

    /// <summary>Serializes the single request up front; null when it cannot be sent (the call is then finished).</summary>
    private ReadOnlyMemoryContent? CreateUnaryContent(TRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            var context = new FramingSerializationContext(buffer, _channel.MaxSendMessageSize);
            _method.RequestMarshaller.ContextualSerializer(request, context);
        }
        catch (Exception ex)
        {
            Finish(ex is RpcException rpc ? rpc.Status : new Status(StatusCode.Internal, "Error serializing the request message.", ex), null);
            return null;
        }

        var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
        content.Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
        return content;
    }

    /// <summary>Sends the request and reads the response headers; false when the call already has its final status.</summary>
    private async Task<bool> StartAsync(HttpContent content)
    {
        if (_status is not null)
        {
            content.Dispose();
            return false;
        }

        // Started inside this async method, the span is Activity.Current for the HTTP request but not for the caller.
        _activity = GrpcDiagnostics.StartClientActivity(_method, _channel.Address);
        var request = new HttpRequestMessage(HttpMethod.Post, _channel.GetMethodUri(_method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };

        try
        {
            if (!PrepareRequest(request))
            {
                return false;
            }

            var response = await _channel.Invoker.SendAsync(request, _callCts.Token).ConfigureAwait(false);
            _response = response;
            var failure = CheckResponseHeaders(response);
            if (failure is { } status)
            {
                var headersAsTrailers = ReadMetadata(response.Headers);
                Finish(status, headersAsTrailers);
                return false;
            }

            _headersTcs.TrySetResult(ReadMetadata(response.Headers));
            var stream = await response.Content.ReadAsStreamAsync(_callCts.Token).ConfigureAwait(false);
            _responseReader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
            return true;
        }
        catch (Exception ex)
        {
            FinishWithException(ex);
            return false;
        }
    }

    /// <summary>Request-Headers ("Requests"): te, content-type, grpc-timeout, user-agent, custom metadata, trace context.</summary>
    private bool PrepareRequest(HttpRequestMessage request)
    {
        var headers = request.Headers;
        headers.TryAddWithoutValidation(GrpcProtocol.TeHeader, GrpcProtocol.TeTrailers);
        headers.TryAddWithoutValidation("User-Agent", GrpcProtocol.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.IdentityEncoding);

        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            var timeout = deadline.ToUniversalTime() - DateTime.UtcNow;
            if (timeout <= TimeSpan.Zero)
            {
                // Already past: fail without sending, as grpc-core and grpc-dotnet do.
                _deadlineExceeded = true;
                Finish(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), null);
                return false;
            }

            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(timeout));
            if (timeout.TotalMilliseconds < int.MaxValue)
            {
                _deadlineTimer = TimeProvider.System.CreateTimer(static s => ((GrpcCall<TRequest, TResponse>)s!).OnDeadline(), this, timeout, Timeout.InfiniteTimeSpan);
            }
        }

        if (_options.Headers is { } metadata)
        {
            foreach (var entry in metadata)
            {
                if (!GrpcProtocol.IsReservedHeader(entry.Key))
                {
                    headers.TryAddWithoutValidation(entry.Key, MetadataHeaders.ToHeaderValue(entry));
                }
            }
        }

        // W3C trace context: the call's own span (or the ambient one) is the server's parent. SocketsHttpHandler's
        // propagator only adds traceparent when absent, so exactly one travels.
        var activity = _activity ?? Activity.Current;
        if (activity is { IdFormat: ActivityIdFormat.W3C } && !headers.Contains(GrpcProtocol.TraceParentHeader))
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TraceParentHeader, activity.Id);
            if (!string.IsNullOrEmpty(activity.TraceStateString))
            {
                headers.TryAddWithoutValidation(GrpcProtocol.TraceStateHeader, activity.TraceStateString);
            }
        }

        return true;
    }

    /// <summary>
    /// The status implied by the response headers alone, or null when messages follow. A Trailers-Only response
    /// carries grpc-status here; a non-200 response without one is mapped from its HTTP status.
    /// </summary>
    private static Status? CheckResponseHeaders(HttpResponseMessage response)
    {
        var grpcStatus = ReadStatus(response.Headers);
        if (response.StatusCode != HttpStatusCode.OK && grpcStatus is null)
        {
            return new Status(HttpStatusMapping.FromHttpStatus(response.StatusCode), $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}");
        }

        if (grpcStatus is not null)
        {
            return grpcStatus;
        }

        var contentType = response.Content.Headers.ContentType?.MediaType;
        return GrpcProtocol.IsGrpcContentType(contentType)
            ? null
            : new Status(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: {contentType}");
    }

    private void FinishFromTrailers()
    {
        var trailers = _response!.TrailingHeaders;
        var status = ReadStatus(trailers) ?? new Status(StatusCode.Internal, "No grpc-status found on response.");
        Finish(status, ReadMetadata(trailers));
    }

    private void FinishWithException(Exception exception)
    {
        Status status;
        if (_deadlineExceeded)
        {
            status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }
        else if (exception is OperationCanceledException && (_options.CancellationToken.IsCancellationRequested || _disposed || _callCts.IsCancellationRequested))
        {
            status = new Status(StatusCode.Cancelled, "Call canceled by the client.", exception);
        }
        else
        {
            status = HttpStatusMapping.FromException(exception);
        }

        Finish(status, null);
        if (status.StatusCode != StatusCode.OK)
        {
            // Abandoning the response mid-stream must reset the HTTP/2 stream, not leave it open.
            _callCts.Cancel();
        }
    }

    private RpcException FailWith(Status status)
    {
        Finish(status, null);
        return CreateFailure();
    }

    /// <summary>Sets the final status once; later calls are ignored.</summary>
    private void Finish(Status status, Metadata? trailers)
    {
        lock (_lock)
        {
            if (_status is not null)
            {
                return;
            }

            _status = status;
            _trailers = trailers;
        }

        _deadlineTimer?.Dispose();
        if (status.StatusCode == StatusCode.OK)
        {
            _headersTcs.TrySetResult(Metadata.Empty);
        }
        else
        {
            _headersTcs.TrySetException(CreateFailure());
            _ = _headersTcs.Task.Exception; // observed: a caller that never reads the headers must not crash the finalizer
        }

        _requestStream?.OnCallFinished();
        GrpcDiagnostics.StopActivity(_activity, status.StatusCode, isServer: false);
    }

    private void ThrowIfFailed()
    {
        if (_status is { StatusCode: not StatusCode.OK })
        {
            throw CreateFailure();
        }
    }

    internal RpcException CreateFailure()
    {
        var status = _status ?? new Status(StatusCode.Internal, "The call ended without a status.");
        return new RpcException(status, _trailers ?? Metadata.Empty);
    }

    internal bool IsFinished => _status is not null;

    private void OnDeadline()
    {
        _deadlineExceeded = true;
        Finish(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), null);
        try
        {
            _callCts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call was disposed as the deadline fired.
        }
    }

    private static Status? ReadStatus(System.Net.Http.Headers.HttpHeaders headers)
    {
        if (!headers.TryGetValues(GrpcProtocol.StatusTrailer, out var values))
        {
            return null;
        }

        var text = values.FirstOrDefault();
        var message = headers.TryGetValues(GrpcProtocol.MessageTrailer, out var messages) ? PercentEncoding.Decode(messages.First()) : string.Empty;
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code)
            ? new Status((StatusCode)code, message)
            : new Status(StatusCode.Unknown, $"Invalid grpc-status value '{text}'. {message}");
    }

    private static Metadata ReadMetadata(System.Net.Http.Headers.HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers.NonValidated)
        {
            foreach (var value in values)
            {
                MetadataHeaders.AddFromHeader(metadata, key, value);
            }
        }

        return metadata;
    }
}
