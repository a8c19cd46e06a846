using Grpc.Core;

namespace Diffusion.ServiceDefaults;

/// <summary>
/// Tells a failure of a service we called (or of the way to it) from an answer about the request. Every caller of
/// another Diffusion service maps the first to UNAVAILABLE and fails closed (no decision, nothing recorded); the
/// second stays the caller's error.
/// </summary>
public static class DownstreamFailure
{
    /// <summary>
    /// Whether <paramref name="code"/> from a downstream call says the service or the transport failed: UNAVAILABLE
    /// (grpc-dotnet's code for refused connections and reset streams too), DEADLINE_EXCEEDED, CANCELLED (the server or a
    /// proxy gave up), UNKNOWN and INTERNAL (a crash or an unmapped exception), RESOURCE_EXHAUSTED (overload, message
    /// size), ABORTED (a conflict the service could not resolve), DATA_LOSS and UNIMPLEMENTED (a version mismatch
    /// between services). The others (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, OUT_OF_RANGE,
    /// PERMISSION_DENIED, UNAUTHENTICATED) are answers about the request and pass through.
    /// </summary>
    public static bool IsInfrastructure(StatusCode code) => code is StatusCode.Unavailable or StatusCode.DeadlineExceeded
        or StatusCode.Cancelled or StatusCode.Unknown or StatusCode.Internal or StatusCode.ResourceExhausted
        or StatusCode.Aborted or StatusCode.DataLoss or StatusCode.Unimplemented;

    /// <summary>
    /// Whether <paramref name="exception"/> is a downstream failure to map to UNAVAILABLE: an infrastructure code, and
    /// our own caller has not gone away (<paramref name="callerToken"/> not cancelled). When the caller cancelled, the
    /// call's CANCELLED is the caller's own doing and propagates as it is.
    /// </summary>
    public static bool Is(RpcException exception, CancellationToken callerToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return IsInfrastructure(exception.StatusCode) && !callerToken.IsCancellationRequested;
    }
}
