namespace Grpc.Core;

/// <summary>A gRPC method, independent of its message types.</summary>
public interface IMethod
{
    /// <summary>The kind of method.</summary>
    MethodType Type { get; }

    /// <summary>The fully qualified service name, e.g. <c>diffusion.quota.v1.QuotaService</c>.</summary>
    string ServiceName { get; }

    /// <summary>The method name, e.g. <c>Reserve</c>.</summary>
    string Name { get; }

    /// <summary>The HTTP/2 path of the method: <c>/{ServiceName}/{Name}</c> (PROTOCOL-HTTP2, "Path").</summary>
    string FullName { get; }
}
