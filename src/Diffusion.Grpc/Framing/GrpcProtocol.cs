namespace Diffusion.Grpc.Framing;

/// <summary>Header names and values of gRPC over HTTP/2 (grpc/doc/PROTOCOL-HTTP2.md).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusTrailer = "grpc-status";
    public const string MessageTrailer = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string MessageTypeHeader = "grpc-message-type";
    public const string TeHeader = "te";
    public const string TeTrailers = "trailers";
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";
    public const string IdentityEncoding = "identity";
    public const string UserAgent = "grpc-dotnet-diffusion/1.0";

    /// <summary>Length-Prefixed-Message: 1 byte compressed flag + 4 bytes big-endian length ("Requests").</summary>
    public const int HeaderSize = 5;

    /// <summary>grpc-dotnet's and grpc-core's default receive limit: 4 MiB.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// "Content-Type → application/grpc [("+proto" / "+json" / {custom})]" ("Requests"). gRPC-Web
    /// (application/grpc-web) is a different protocol and is not accepted.
    /// </summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (contentType.Length == ContentType.Length)
        {
            return true;
        }

        var next = contentType[ContentType.Length];
        return next is '+' or ';';
    }

    /// <summary>
    /// Headers that carry protocol, not application, metadata: never copied into <c>Metadata</c> objects and never
    /// accepted from them ("Custom-Metadata": "grpc-" keys are reserved).
    /// </summary>
    public static bool IsReservedHeader(string key) =>
        key.StartsWith(':')
        || key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase)
        || key.Equals("content-type", StringComparison.OrdinalIgnoreCase)
        || key.Equals("te", StringComparison.OrdinalIgnoreCase)
        || key.Equals("host", StringComparison.OrdinalIgnoreCase)
        || key.Equals("content-length", StringComparison.OrdinalIgnoreCase)
        || key.Equals("date", StringComparison.OrdinalIgnoreCase)
        || key.Equals("server", StringComparison.OrdinalIgnoreCase)
        || key.Equals("connection", StringComparison.OrdinalIgnoreCase)
        || key.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase);
}
