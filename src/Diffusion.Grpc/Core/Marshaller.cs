namespace Grpc.Core;

/// <summary>Serializes and deserializes messages of type <typeparamref name="T"/>.</summary>
public class Marshaller<T>
{
    /// <summary>Creates a marshaller from array-based functions.</summary>
    public Marshaller(Func<T, byte[]> serializer, Func<byte[], T> deserializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(deserializer);
        Serializer = serializer;
        Deserializer = deserializer;
        ContextualSerializer = (value, context) => context.Complete(serializer(value));
        ContextualDeserializer = context => deserializer(context.PayloadAsNewBuffer());
    }

    /// <summary>Creates a marshaller from context-based functions (what generated protobuf code uses).</summary>
    public Marshaller(Action<T, SerializationContext> serializer, Func<DeserializationContext, T> deserializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(deserializer);
        ContextualSerializer = serializer;
        ContextualDeserializer = deserializer;
        Serializer = value =>
        {
            var context = new ArraySerializationContext();
            serializer(value, context);
            return context.Payload;
        };
        Deserializer = payload => deserializer(new ArrayDeserializationContext(payload));
    }

    /// <summary>Serializes to an array.</summary>
    public Func<T, byte[]> Serializer { get; }

    /// <summary>Deserializes from an array.</summary>
    public Func<byte[], T> Deserializer { get; }

    /// <summary>Serializes into a <see cref="SerializationContext"/>.</summary>
    public Action<T, SerializationContext> ContextualSerializer { get; }

    /// <summary>Deserializes from a <see cref="DeserializationContext"/>.</summary>
    public Func<DeserializationContext, T> ContextualDeserializer { get; }
}
