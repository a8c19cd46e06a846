using System.Buffers;
using System.Net;
using Diffusion.Grpc.Framing;
using Grpc.Core;

namespace Diffusion.Grpc.Client;

/// <summary>
/// The request stream of a client- or duplex-streaming call. HTTP/2 sends the request body while the response is
/// read, so the body is an <see cref="HttpContent"/> that hands its stream to this writer and stays open until
/// <see cref="CompleteAsync"/> (which ends the stream with END_STREAM, the half-close).
/// </summary>
internal sealed class ClientStreamWriter<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call) : IClientStreamWriter<TRequest>
    where TRequest : class
    where TResponse : class
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private PushContent? _content;

    public WriteOptions? WriteOptions { get; set; }

    public HttpContent Content => _content ??= new PushContent(this);

    public Task WriteAsync(TRequest message) => WriteAsync(message, CancellationToken.None);

    public async Task WriteAsync(TRequest message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_completed.Task.IsCompleted)
        {
            throw new InvalidOperationException("Request stream has already been completed.");
        }

        var buffer = new ArrayBufferWriter<byte>();
        call.Method.RequestMarshaller.ContextualSerializer(message, new FramingSerializationContext(buffer, call.MaxSendMessageSize));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(call.CallToken, cancellationToken);
        await _writeLock.WaitAsync(linked.Token).ConfigureAwait(false);
        try
        {
            var stream = await _stream.Task.WaitAsync(linked.Token).ConfigureAwait(false);
            if (call.IsFinished)
            {
                throw call.CreateFailure();
            }

            await stream.WriteAsync(buffer.WrittenMemory, linked.Token).ConfigureAwait(false);
            await stream.FlushAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && call.IsFinished)
        {
            throw call.CreateFailure();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task CompleteAsync()
    {
        _completed.TrySetResult();
        return Task.CompletedTask;
    }

    /// <summary>The call has its status: nobody will read more requests, so the body ends.</summary>
    internal void OnCallFinished()
    {
        _completed.TrySetResult();
        _stream.TrySetCanceled();
    }

    private sealed class PushContent : HttpContent
    {
        private readonly ClientStreamWriter<TRequest, TResponse> _writer;

        public PushContent(ClientStreamWriter<TRequest, TResponse> writer)
        {
            _writer = writer;
            Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            _writer._stream.TrySetResult(stream);
            await _writer._completed.Task.ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
