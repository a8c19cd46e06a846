namespace Grpc.Core;

/// <summary>A service's methods bound to one handler instance (what generated <c>BindService(impl)</c> returns).</summary>
public class ServerServiceDefinition
{
    private readonly IReadOnlyList<Action<ServiceBinderBase>> _addMethodActions;

    private ServerServiceDefinition(IReadOnlyList<Action<ServiceBinderBase>> addMethodActions) => _addMethodActions = addMethodActions;

    /// <summary>Starts a definition.</summary>
    public static Builder CreateBuilder() => new();

    /// <summary>Replays the bound methods into <paramref name="serviceBinder"/>.</summary>
    internal void BindService(ServiceBinderBase serviceBinder)
    {
        foreach (var add in _addMethodActions)
        {
            add(serviceBinder);
        }
    }

    /// <summary>Collects methods and their handlers.</summary>
    public class Builder
    {
        private readonly Dictionary<string, Action<ServiceBinderBase>> _methods = new(StringComparer.Ordinal);

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class => Add(method, b => b.AddMethod(method, handler));

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class => Add(method, b => b.AddMethod(method, handler));

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class => Add(method, b => b.AddMethod(method, handler));

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class => Add(method, b => b.AddMethod(method, handler));

        /// <summary>Finishes the definition.</summary>
        public ServerServiceDefinition Build() => new([.. _methods.Values]);

        private Builder Add(IMethod method, Action<ServiceBinderBase> add)
        {
            ArgumentNullException.ThrowIfNull(method);
            if (!_methods.TryAdd(method.FullName, add))
            {
                throw new ArgumentException($"Method {method.FullName} is already added.", nameof(method));
            }

            return this;
        }
    }
}
