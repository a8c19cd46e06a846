using Grpc.AspNetCore.Server;
using System.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Diffusion.Grpc.Server;

/// <summary>
/// Receives the methods of <typeparamref name="TService"/> from its generated <c>BindService(binder, null)</c> and
/// makes one request delegate per method. The generated code passes no handler (there is no instance yet), so each
/// method is found on <typeparamref name="TService"/> by name and signature and called on the per-call instance;
/// a method the service does not override runs the generated base, which answers UNIMPLEMENTED.
/// </summary>
internal sealed class ServiceMethodBinder<TService>(GrpcServiceOptions options, ILogger logger) : ServiceBinderBase
    where TService : class
{
    public List<(IMethod Method, RequestDelegate Handler)> Methods { get; } = [];

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
    {
        var invoker = handler is null
            ? FindMethod<Func<TService, TRequest, ServerCallContext, Task<TResponse>>>(method, typeof(TRequest), typeof(ServerCallContext))
            : (_, request, context) => handler(request, context);
        Add(method, new UnaryServerCallHandler<TService, TRequest, TResponse>(method, invoker, options, logger).HandleCallAsync);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var invoker = handler is null
            ? FindMethod<Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(method, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext))
            : (_, request, writer, context) => handler(request, writer, context);
        Add(method, new ServerStreamingServerCallHandler<TService, TRequest, TResponse>(method, invoker, options, logger).HandleCallAsync);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var invoker = handler is null
            ? FindMethod<Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>>>(method, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext))
            : (_, reader, context) => handler(reader, context);
        Add(method, new ClientStreamingServerCallHandler<TService, TRequest, TResponse>(method, invoker, options, logger).HandleCallAsync);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var invoker = handler is null
            ? FindMethod<Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(method, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext))
            : (_, reader, writer, context) => handler(reader, writer, context);
        Add(method, new DuplexStreamingServerCallHandler<TService, TRequest, TResponse>(method, invoker, options, logger).HandleCallAsync);
    }

    /// <summary>Calls the generated static bind method named by <see cref="BindServiceMethodAttribute"/>.</summary>
    public void BindService()
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                var bind = attribute.BindType.GetMethod(
                    attribute.BindMethodName,
                    BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static,
                    [typeof(ServiceBinderBase), type])
                    ?? throw new InvalidOperationException($"{attribute.BindType} has no {attribute.BindMethodName}(ServiceBinderBase, {type.Name}).");
                bind.Invoke(null, [this, null]);
                return;
            }
        }

        throw new InvalidOperationException(
            $"{typeof(TService)} is not a gRPC service: it must derive from a generated service base (e.g. QuotaService.QuotaServiceBase).");
    }

    private void Add(IMethod method, RequestDelegate handler) => Methods.Add((method, handler));

    // An open-instance delegate: calling it with the per-call instance dispatches virtually to the override.
    private static TDelegate FindMethod<TDelegate>(IMethod method, params Type[] parameterTypes)
        where TDelegate : Delegate
    {
        var info = typeof(TService).GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance, parameterTypes)
            ?? throw new InvalidOperationException($"{typeof(TService)} has no method {method.Name} for {method.FullName}.");
        return info.CreateDelegate<TDelegate>();
    }
}
