using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A request whose bytes are not a message of the method's type (random bytes, a truncated message) is answered
/// INTERNAL "request: not a valid &lt;type&gt; message", as gRPC's status code table prescribes for "error parsing request
/// proto" and as grpc-go, grpc-java and Python's grpcio answer. grpc-dotnet parses a request before any interceptor or
/// handler runs and answers a parse failure as an unhandled exception, UNKNOWN "Exception was thrown by handler.",
/// which is how a crash looks (issue 16); it has no option to change that. So the generated services are bound as
/// grpc-dotnet's own binder provider binds them (the generated BindService method, each handler found on the service
/// type), with each method's request deserializer wrapped; that provider is replaced by this one.
/// </summary>
public static class MalformedRequests
{
    /// <summary>
    /// The gRPC server (<c>AddGrpc</c>) with malformed requests answered INTERNAL. Idempotent, so every service's own
    /// wiring may call it after <c>AddServiceDefaults</c> (a later plain <c>AddGrpc</c> would bring the replaced provider back).
    /// </summary>
    public static IServiceCollection AddGrpcAnsweringMalformedRequests(this IServiceCollection services)
    {
        services.AddGrpc();
        var binder = services.Where(d => d.ServiceType == typeof(IServiceMethodProvider<>)
                && d.ImplementationType is { Name: "BinderServiceMethodProvider`1" })
            .ToList();
        if (binder.Count == 0 && !services.Any(d => d.ImplementationType == typeof(ParsingServiceMethodProvider<>)))
        {
            throw new InvalidOperationException("grpc-dotnet's BinderServiceMethodProvider was not registered by AddGrpc(); MalformedRequests must follow it");
        }

        foreach (var descriptor in binder)
        {
            services.Remove(descriptor);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(ParsingServiceMethodProvider<>)));
        return services;
    }

    /// <summary>Wraps <paramref name="method"/>'s request deserializer so a parse failure is INTERNAL naming the type.</summary>
    internal static Method<TRequest, TResponse> WithGuardedRequestParsing<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var deserialize = method.RequestMarshaller.ContextualDeserializer;
        var typeName = typeof(TRequest).GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is Google.Protobuf.Reflection.MessageDescriptor descriptor
            ? descriptor.FullName
            : typeof(TRequest).Name;
        var marshaller = Marshallers.Create(method.RequestMarshaller.ContextualSerializer, context =>
        {
            try
            {
                return deserialize(context);
            }
            catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or System.Text.DecoderFallbackException)
            {
                // The parser's own message is a fixed sentence about the wire format, never the caller's bytes.
                throw new RpcException(new Status(StatusCode.Internal, $"request: not a valid {typeName} message ({e.Message})"));
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
    }
}

/// <summary>grpc-dotnet's binder provider, with each method's request parsing guarded (see <see cref="MalformedRequests"/>).</summary>
internal sealed class ParsingServiceMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } bind)
            {
                var method = bind.BindType.GetMethod(bind.BindMethodName, BindingFlags.Public | BindingFlags.Static, [typeof(ServiceBinderBase), type])
                    ?? throw new InvalidOperationException($"{bind.BindType}.{bind.BindMethodName}(ServiceBinderBase, {type}) not found");
                method.Invoke(null, [new Binder(context, type), null]);
                return;
            }
        }
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type serviceBase) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(MalformedRequests.WithGuardedRequestParsing(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<ServerStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(MalformedRequests.WithGuardedRequestParsing(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<ClientStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
            context.AddClientStreamingMethod(MalformedRequests.WithGuardedRequestParsing(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddDuplexStreamingMethod(MalformedRequests.WithGuardedRequestParsing(method), metadata, invoker);
        }

        /// <summary>
        /// The service's override of the generated base method, as an open-instance delegate, and its endpoint metadata
        /// (the type's attributes, then the method's, then POST), in the order grpc-dotnet's own binder gives them.
        /// </summary>
        private (TDelegate Invoker, List<object> Metadata) Handler<TDelegate>(string name, params Type[] parameters)
            where TDelegate : Delegate
        {
            var handler = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters) is { IsVirtual: true } found
                && found.GetBaseDefinition().DeclaringType == serviceBase
                    ? found
                    : throw new InvalidOperationException($"{typeof(TService)} has no handler for {serviceBase}.{name}");
            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(handler.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), handler), metadata);
        }
    }
}
