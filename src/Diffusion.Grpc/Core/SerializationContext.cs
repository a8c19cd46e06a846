using System.Buffers;

namespace Grpc.Core;

/// <summary>
/// Where a marshaller writes one serialized message: either all at once (<see cref="Complete(byte[])"/>) or into a
/// buffer writer (<see cref="GetBufferWriter"/> then <see cref="Complete()"/>), ideally after announcing the size.
/// </summary>
public abstract class SerializationContext
{
    /// <summary>Completes the message with its whole payload.</summary>
    public virtual void Complete(byte[] payload) => throw new NotImplementedException();

    /// <summary>Gets a buffer writer the payload can be written into.</summary>
    public virtual IBufferWriter<byte> GetBufferWriter() => throw new NotImplementedException();

    /// <summary>Announces the payload length before writing it into <see cref="GetBufferWriter"/>.</summary>
    public virtual void SetPayloadLength(int payloadLength)
    {
    }

    /// <summary>Completes a message written into <see cref="GetBufferWriter"/>.</summary>
    public virtual void Complete() => throw new NotImplementedException();
}
