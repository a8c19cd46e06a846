namespace Grpc.Core;

/// <summary>A gRPC method with its message types and how to (de)serialize them; generated code creates these.</summary>
public class Method<TRequest, TResponse> : IMethod
{
    /// <summary>Creates a method description.</summary>
    public Method(MethodType type, string serviceName, string name, Marshaller<TRequest> requestMarshaller, Marshaller<TResponse> responseMarshaller)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(requestMarshaller);
        ArgumentNullException.ThrowIfNull(responseMarshaller);
        Type = type;
        ServiceName = serviceName;
        Name = name;
        RequestMarshaller = requestMarshaller;
        ResponseMarshaller = responseMarshaller;
        FullName = "/" + serviceName + "/" + name;
    }

    public MethodType Type { get; }

    public string ServiceName { get; }

    public string Name { get; }

    public string FullName { get; }

    /// <summary>Serializes requests and deserializes them on the server.</summary>
    public Marshaller<TRequest> RequestMarshaller { get; }

    /// <summary>Serializes responses and deserializes them on the client.</summary>
    public Marshaller<TResponse> ResponseMarshaller { get; }
}
