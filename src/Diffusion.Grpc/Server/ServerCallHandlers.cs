using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Diffusion.Grpc.Server;

/// <summary>One request, one response.</summary>
internal sealed class UnaryServerCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method, Func<TService, TRequest, ServerCallContext, Task<TResponse>> invoker, GrpcServiceOptions options, ILogger logger)
    : ServerCallHandler<TService, TRequest, TResponse>(method, options, logger)
    where TService : class
    where TRequest : class
    where TResponse : class
{
    protected override async Task HandleCallCoreAsync(HttpContext httpContext, HttpContextServerCallContext call)
    {
        var request = await ReadSingleRequestAsync(call).ConfigureAwait(false);
        var response = await InvokeAsync(httpContext, service => invoker(service, request, call)).ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.Cancelled, "No message returned from method."));
        await call.WriteMessageAsync(response, Method.ResponseMarshaller.ContextualSerializer, flush: false, CancellationToken.None).ConfigureAwait(false);
    }
}

/// <summary>One request, a stream of responses.</summary>
internal sealed class ServerStreamingServerCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method, Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> invoker, GrpcServiceOptions options, ILogger logger)
    : ServerCallHandler<TService, TRequest, TResponse>(method, options, logger)
    where TService : class
    where TRequest : class
    where TResponse : class
{
    protected override async Task HandleCallCoreAsync(HttpContext httpContext, HttpContextServerCallContext call)
    {
        var request = await ReadSingleRequestAsync(call).ConfigureAwait(false);
        var writer = new HttpContextStreamWriter<TResponse>(call, Method.ResponseMarshaller.ContextualSerializer);
        await InvokeAsync(httpContext, async service =>
        {
            await invoker(service, request, writer, call).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }
}

/// <summary>A stream of requests, one response.</summary>
internal sealed class ClientStreamingServerCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method, Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> invoker, GrpcServiceOptions options, ILogger logger)
    : ServerCallHandler<TService, TRequest, TResponse>(method, options, logger)
    where TService : class
    where TRequest : class
    where TResponse : class
{
    protected override async Task HandleCallCoreAsync(HttpContext httpContext, HttpContextServerCallContext call)
    {
        var reader = new HttpContextStreamReader<TRequest>(call, Method.RequestMarshaller.ContextualDeserializer);
        var response = await InvokeAsync(httpContext, service => invoker(service, reader, call)).ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.Cancelled, "No message returned from method."));
        await call.WriteMessageAsync(response, Method.ResponseMarshaller.ContextualSerializer, flush: false, CancellationToken.None).ConfigureAwait(false);
    }
}

/// <summary>Streams both ways.</summary>
internal sealed class DuplexStreamingServerCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method, Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> invoker, GrpcServiceOptions options, ILogger logger)
    : ServerCallHandler<TService, TRequest, TResponse>(method, options, logger)
    where TService : class
    where TRequest : class
    where TResponse : class
{
    protected override async Task HandleCallCoreAsync(HttpContext httpContext, HttpContextServerCallContext call)
    {
        var reader = new HttpContextStreamReader<TRequest>(call, Method.RequestMarshaller.ContextualDeserializer);
        var writer = new HttpContextStreamWriter<TResponse>(call, Method.ResponseMarshaller.ContextualSerializer);
        await InvokeAsync(httpContext, async service =>
        {
            await invoker(service, reader, writer, call).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }
}
