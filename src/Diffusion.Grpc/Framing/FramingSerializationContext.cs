using System.Buffers;
using System.Buffers.Binary;
using Grpc.Core;

namespace Diffusion.Grpc.Framing;

/// <summary>
/// Writes one Length-Prefixed-Message ("Requests": compressed flag 0, 4-byte big-endian length, payload) into a
/// buffer writer. When the marshaller announces the payload length (generated protobuf code does), the payload is
/// serialized straight after the prefix with no copy; otherwise it is buffered to learn its length first.
/// The send limit is checked before anything is written, so an oversized message leaves the stream untouched.
/// </summary>
internal sealed class FramingSerializationContext(IBufferWriter<byte> output, int? maxSendMessageSize) : SerializationContext
{
    private ArrayBufferWriter<byte>? _buffer;
    private int? _announcedLength;
    private bool _prefixWritten;
    private long _written;

    public bool Completed { get; private set; }

    public override void SetPayloadLength(int payloadLength)
    {
        CheckLimit(payloadLength);
        _announcedLength = payloadLength;
    }

    public override IBufferWriter<byte> GetBufferWriter()
    {
        if (_announcedLength is { } length)
        {
            if (!_prefixWritten)
            {
                WritePrefix(length);
                _prefixWritten = true;
            }

            return new CountingWriter(this);
        }

        return _buffer ??= new ArrayBufferWriter<byte>();
    }

    public override void Complete()
    {
        if (_announcedLength is { } length)
        {
            if (!_prefixWritten)
            {
                WritePrefix(length);
            }

            if (_written != length)
            {
                throw new InvalidOperationException($"The serializer announced {length} bytes but wrote {_written}.");
            }
        }
        else
        {
            var payload = _buffer is null ? ReadOnlySpan<byte>.Empty : _buffer.WrittenSpan;
            CheckLimit(payload.Length);
            WritePrefix(payload.Length);
            output.Write(payload);
        }

        Completed = true;
    }

    public override void Complete(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        CheckLimit(payload.Length);
        WritePrefix(payload.Length);
        output.Write(payload);
        Completed = true;
    }

    private void CheckLimit(int length)
    {
        if (length > maxSendMessageSize)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "Sending message exceeds the maximum configured message size."));
        }
    }

    private void WritePrefix(int length)
    {
        var prefix = output.GetSpan(GrpcProtocol.HeaderSize);
        prefix[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)length);
        output.Advance(GrpcProtocol.HeaderSize);
    }

    private sealed class CountingWriter(FramingSerializationContext owner) : IBufferWriter<byte>
    {
        public void Advance(int count)
        {
            owner._written += count;
            owner.Output.Advance(count);
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => owner.Output.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => owner.Output.GetSpan(sizeHint);
    }

    private IBufferWriter<byte> Output => output;
}
