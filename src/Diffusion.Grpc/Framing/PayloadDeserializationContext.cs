using System.Buffers;
using Grpc.Core;

namespace Diffusion.Grpc.Framing;

/// <summary>Presents one received payload to a marshaller without copying it.</summary>
internal sealed class PayloadDeserializationContext(ReadOnlySequence<byte> payload) : DeserializationContext
{
    public override int PayloadLength => checked((int)payload.Length);

    public override byte[] PayloadAsNewBuffer() => payload.ToArray();

    public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => payload;
}
