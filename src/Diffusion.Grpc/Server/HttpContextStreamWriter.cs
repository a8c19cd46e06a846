using Grpc.Core;

namespace Diffusion.Grpc.Server;

/// <summary>The response stream of a server- or duplex-streaming call; each write is flushed.</summary>
internal sealed class HttpContextStreamWriter<T>(HttpContextServerCallContext call, Action<T, SerializationContext> serializer) : IServerStreamWriter<T>
{
    public WriteOptions? WriteOptions
    {
        get => call.WriteOptions;
        set => call.WriteOptions = value;
    }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var flush = WriteOptions is null || (WriteOptions.Flags & WriteFlags.BufferHint) == 0;
        return call.WriteMessageAsync(message, serializer, flush, cancellationToken);
    }
}
