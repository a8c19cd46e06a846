using System.Diagnostics;
using Grpc.Core;

namespace Diffusion.Grpc.Diagnostics;

/// <summary>
/// Tracing of gRPC calls: one client span per call made through <c>GrpcChannel</c> and one server span per call
/// served, named <c>{package}.{Service}/{Method}</c> with <c>rpc.*</c> attributes (OpenTelemetry RPC semantic
/// conventions). Subscribe with <c>tracing.AddSource(GrpcDiagnostics.ActivitySourceName)</c>.
/// </summary>
public static class GrpcDiagnostics
{
    /// <summary>The name of the <see cref="ActivitySource"/> of client and server spans.</summary>
    public const string ActivitySourceName = "Diffusion.Grpc";

    internal static readonly ActivitySource Source = new(ActivitySourceName, "1.0.0");

    internal static Activity? StartClientActivity(IMethod method, Uri address)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(SpanName(method), ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            SetMethodTags(activity, method);
            activity.SetTag("server.address", address.Host);
            activity.SetTag("server.port", address.Port);
        }

        return activity;
    }

    /// <summary>
    /// Starts the server span as a child of the current activity: ASP.NET Core's request activity when it created one
    /// (it continues the caller's <c>traceparent</c>), else the caller's context parsed from the headers here, so a
    /// trace stays whole whether or not anything listens to ASP.NET Core's own source.
    /// </summary>
    internal static Activity? StartServerActivity(IMethod method, string? traceParent, string? traceState, string? peerAddress)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        Activity? activity;
        if (Activity.Current is null && traceParent is not null
            && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent))
        {
            activity = Source.StartActivity(SpanName(method), ActivityKind.Server, parent);
        }
        else
        {
            activity = Source.StartActivity(SpanName(method), ActivityKind.Server);
        }

        if (activity is { IsAllDataRequested: true })
        {
            SetMethodTags(activity, method);
            if (peerAddress is not null)
            {
                activity.SetTag("network.peer.address", peerAddress);
            }
        }

        return activity;
    }

    /// <summary>Records the call's status; which codes are errors differs for clients and servers (semantic conventions).</summary>
    internal static void StopActivity(Activity? activity, StatusCode statusCode, bool isServer)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("rpc.grpc.status_code", (int)statusCode);
        var isError = isServer
            ? statusCode is StatusCode.Unknown or StatusCode.DeadlineExceeded or StatusCode.Unimplemented
                or StatusCode.Internal or StatusCode.Unavailable or StatusCode.DataLoss
            : statusCode != StatusCode.OK;
        if (isError)
        {
            activity.SetStatus(ActivityStatusCode.Error, statusCode.ToString());
        }

        activity.Stop();
    }

    private static string SpanName(IMethod method) => method.ServiceName + "/" + method.Name;

    private static void SetMethodTags(Activity activity, IMethod method)
    {
        activity.SetTag("rpc.system", "grpc");
        activity.SetTag("rpc.service", method.ServiceName);
        activity.SetTag("rpc.method", method.Name);
    }
}
