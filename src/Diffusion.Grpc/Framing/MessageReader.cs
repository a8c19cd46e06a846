using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Grpc.Core;

namespace Diffusion.Grpc.Framing;

/// <summary>
/// Reads Length-Prefixed-Messages from a pipe (the server's request body, the client's response body).
/// Every malformation becomes an <see cref="RpcException"/> with a status, never another exception: a compressed
/// flag without a negotiated encoding and a stream that ends inside a message are INTERNAL, a message over the
/// receive limit is RESOURCE_EXHAUSTED (checked from the prefix, before the payload is buffered).
/// </summary>
internal static class MessageReader
{
    /// <summary>Reads the next message; <c>(false, default)</c> at a clean end of stream.</summary>
    public static async ValueTask<(bool HasMessage, T Message)> ReadAsync<T>(
        PipeReader reader, Func<DeserializationContext, T> deserializer, int? maxReceiveMessageSize, bool compressionNegotiated, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            if (TryReadFrame(ref buffer, maxReceiveMessageSize, compressionNegotiated, out var payload))
            {
                T message;
                try
                {
                    message = deserializer(new PayloadDeserializationContext(payload));
                }
                catch (Exception ex) when (ex is not RpcException)
                {
                    reader.AdvanceTo(buffer.Start);
                    throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize message.", ex));
                }

                reader.AdvanceTo(buffer.Start);
                return (true, message);
            }

            if (result.IsCompleted)
            {
                var leftover = buffer.Length;
                reader.AdvanceTo(buffer.End);
                if (leftover == 0)
                {
                    return (false, default!);
                }

                throw new RpcException(new Status(StatusCode.Internal, "Incomplete message: the stream ended inside a length-prefixed message."));
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Slices one whole frame off <paramref name="buffer"/> if it holds one.</summary>
    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int? maxReceiveMessageSize, bool compressionNegotiated, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.Length < GrpcProtocol.HeaderSize)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[GrpcProtocol.HeaderSize];
        buffer.Slice(0, GrpcProtocol.HeaderSize).CopyTo(prefix);
        var flag = prefix[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);

        // "Compressed-Flag → 0 / 1": any other value is a malformed frame; 1 is only legal with a grpc-encoding,
        // and this runtime negotiates none (it advertises grpc-accept-encoding: identity).
        if (flag > 1)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Malformed message: compressed flag {flag}."));
        }

        if (flag == 1 && !compressionNegotiated)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Compressed message received without a grpc-encoding."));
        }

        if (length > (uint)(maxReceiveMessageSize ?? int.MaxValue))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size."));
        }

        if (buffer.Length < GrpcProtocol.HeaderSize + length)
        {
            return false;
        }

        payload = buffer.Slice(GrpcProtocol.HeaderSize, length);
        buffer = buffer.Slice(payload.End);
        return true;
    }
}
