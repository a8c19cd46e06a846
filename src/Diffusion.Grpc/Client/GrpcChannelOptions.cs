namespace Grpc.Net.Client;

/// <summary>Options of a <see cref="GrpcChannel"/>, named as in grpc-dotnet.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>
    /// The largest response message accepted, in bytes; larger ones fail the call with RESOURCE_EXHAUSTED.
    /// Null: no limit. Default 4 MiB.
    /// </summary>
    public int? MaxReceiveMessageSize { get; set; } = Diffusion.Grpc.Framing.GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>The largest request message sent, in bytes; larger ones fail with RESOURCE_EXHAUSTED before sending. Null: no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// The handler calls go through. Null (the default) uses one process-wide <see cref="System.Net.Http.SocketsHttpHandler"/>
    /// shared by every channel, so creating channels freely does not multiply connections.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>An HttpClient to call through instead of <see cref="HttpHandler"/> (its Timeout applies to every call).</summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Whether disposing the channel disposes <see cref="HttpHandler"/> or <see cref="HttpClient"/>.</summary>
    public bool DisposeHttpClient { get; set; }
}
