using System.Buffers;

namespace Grpc.Core;

/// <summary>Collects one serialized message into an array (for <see cref="Marshaller{T}.Serializer"/>).</summary>
internal sealed class ArraySerializationContext : SerializationContext
{
    private ArrayBufferWriter<byte>? _writer;
    private byte[]? _payload;

    public byte[] Payload => _payload ?? throw new InvalidOperationException("The serializer did not complete the message.");

    public override void Complete(byte[] payload) => _payload = payload;

    public override IBufferWriter<byte> GetBufferWriter() => _writer ??= new ArrayBufferWriter<byte>();

    public override void Complete() => _payload = _writer?.WrittenSpan.ToArray() ?? [];
}

/// <summary>Presents an array as a <see cref="DeserializationContext"/> (for <see cref="Marshaller{T}.Deserializer"/>).</summary>
internal sealed class ArrayDeserializationContext(byte[] payload) : DeserializationContext
{
    public override int PayloadLength => payload.Length;

    public override byte[] PayloadAsNewBuffer() => (byte[])payload.Clone();

    public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(payload);
}
