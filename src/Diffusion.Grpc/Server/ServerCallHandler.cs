using Grpc.AspNetCore.Server;
using Diffusion.Grpc.Diagnostics;
using Diffusion.Grpc.Framing;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Diffusion.Grpc.Server;

/// <summary>
/// The request delegate of one gRPC method endpoint: checks the request is gRPC, runs the call, and turns every
/// outcome into a status. Subclasses differ only in how they read requests and write responses.
/// </summary>
internal abstract class ServerCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method, GrpcServiceOptions options, ILogger logger)
    where TService : class
    where TRequest : class
    where TResponse : class
{
    protected Method<TRequest, TResponse> Method => method;

    public async Task HandleCallAsync(HttpContext httpContext)
    {
        var request = httpContext.Request;

        // "Requests": servers SHOULD answer 415 to a content-type not starting with application/grpc, so that a
        // plain HTTP client never mistakes a gRPC error (HTTP 200) for success.
        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            httpContext.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        // gRPC needs HTTP/2 (trailers, full duplex); an HTTP/1.1 request is told to upgrade.
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            httpContext.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            httpContext.Response.Headers.Upgrade = "h2c";
            return;
        }

        var call = new HttpContextServerCallContext(httpContext, method, options, logger);
        var activity = GrpcDiagnostics.StartServerActivity(
            method,
            request.Headers[GrpcProtocol.TraceParentHeader],
            request.Headers[GrpcProtocol.TraceStateHeader],
            httpContext.Connection.RemoteIpAddress?.ToString());
        try
        {
            try
            {
                call.Initialize();
                await HandleCallCoreAsync(httpContext, call).ConfigureAwait(false);
                await call.EndCallAsync(null).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await call.EndCallAsync(ex).ConfigureAwait(false);
            }
        }
        finally
        {
            await call.DisposeAsync().ConfigureAwait(false);
            GrpcDiagnostics.StopActivity(activity, call.FinalStatusCode ?? StatusCode.Cancelled, isServer: true);
        }
    }

    protected abstract Task HandleCallCoreAsync(HttpContext httpContext, HttpContextServerCallContext call);

    /// <summary>
    /// Reads the single request of a unary or server-streaming call: exactly one message, then end of stream
    /// ("Requests": anything else is a protocol violation, answered INTERNAL).
    /// </summary>
    protected async Task<TRequest> ReadSingleRequestAsync(HttpContextServerCallContext call)
    {
        var deserializer = method.RequestMarshaller.ContextualDeserializer;
        var (hasMessage, message) = await call.ReadMessageAsync(deserializer, call.CancellationToken).ConfigureAwait(false);
        if (!hasMessage)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Request did not contain a message."));
        }

        var (hasMore, _) = await call.ReadMessageAsync(deserializer, call.CancellationToken).ConfigureAwait(false);
        if (hasMore)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Additional data after the request message."));
        }

        return message;
    }

    /// <summary>Resolves the service from DI, or creates it per call (then disposes it), like grpc-dotnet.</summary>
    protected static async Task<TResult> InvokeAsync<TResult>(HttpContext httpContext, Func<TService, Task<TResult>> invoke)
    {
        var (service, created) = ServiceActivator<TService>.Create(httpContext.RequestServices);
        try
        {
            return await invoke(service).ConfigureAwait(false);
        }
        finally
        {
            if (created)
            {
                await ServiceActivator<TService>.ReleaseAsync(service).ConfigureAwait(false);
            }
        }
    }
}
