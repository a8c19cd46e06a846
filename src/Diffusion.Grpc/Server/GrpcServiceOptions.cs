namespace Grpc.AspNetCore.Server;

/// <summary>Options of every gRPC service hosted by <c>AddGrpc()</c>.</summary>
public sealed class GrpcServiceOptions
{
    /// <summary>
    /// The largest request message accepted, in bytes; larger ones end the call with RESOURCE_EXHAUSTED.
    /// Null means no limit. Default 4 MiB (as grpc-core and grpc-dotnet).
    /// </summary>
    public int? MaxReceiveMessageSize { get; set; } = Diffusion.Grpc.Framing.GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>The largest response message sent, in bytes; larger ones fail with RESOURCE_EXHAUSTED. Null: no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// When true, an unexpected handler exception's type and message go to the client in <c>grpc-message</c>.
    /// Off by default: exception text can leak internals; the exception is always logged on the server.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }
}
