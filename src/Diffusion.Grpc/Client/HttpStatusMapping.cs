using System.Net;
using Grpc.Core;

namespace Diffusion.Grpc.Client;

/// <summary>How a client turns HTTP-level failures into gRPC statuses (grpc/doc/http-grpc-status-mapping.md, PROTOCOL-HTTP2 "Errors").</summary>
internal static class HttpStatusMapping
{
    /// <summary>HTTP status → gRPC status, used when a non-200 response carries no grpc-status.</summary>
    public static StatusCode FromHttpStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => StatusCode.Internal,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    /// <summary>HTTP/2 RST_STREAM error code → gRPC status ("Errors" table of PROTOCOL-HTTP2).</summary>
    public static StatusCode FromHttp2ErrorCode(long errorCode) => errorCode switch
    {
        0x7 => StatusCode.Unavailable,        // REFUSED_STREAM: the request was not processed, safe to retry
        0x8 => StatusCode.Cancelled,          // CANCEL
        0xb => StatusCode.ResourceExhausted,  // ENHANCE_YOUR_CALM
        0xc => StatusCode.PermissionDenied,   // INADEQUATE_SECURITY
        _ => StatusCode.Internal,             // NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, ...
    };

    public static Status FromException(Exception exception) => exception switch
    {
        RpcException rpc => rpc.Status,
        HttpProtocolException protocol => new Status(FromHttp2ErrorCode(protocol.ErrorCode), "HTTP/2 stream error: " + protocol.Message, protocol),
        HttpRequestException request => new Status(StatusCode.Unavailable, "Error starting gRPC call. " + request.Message, request),
        IOException io => new Status(StatusCode.Unavailable, "Error reading the gRPC response. " + io.Message, io),
        _ => new Status(StatusCode.Internal, "Error in the gRPC call. " + exception.GetType().Name + ": " + exception.Message, exception),
    };
}
