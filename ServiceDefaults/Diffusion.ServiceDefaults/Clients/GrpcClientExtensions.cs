using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Aspire-style gRPC client integration over the project's own gRPC runtime (Diffusion.Grpc).</summary>
public static class GrpcClientExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TClient"/> (a generated client such as <c>QuotaService.QuotaServiceClient</c>) for
    /// the service named <paramref name="serviceName"/>, whose address is <c>services:{name}:grpc:0</c> (environment
    /// variable <c>services__{name}__grpc__0</c>, set by the AppHost's WithReference). When the AppHost runs the service
    /// as several replicas it also sets <c>services__{name}__grpc__1</c>, ...: calls then go round-robin over them.
    /// Calls are traced by the runtime's "Diffusion.Grpc" ActivitySource (client spans, W3C trace context sent), which
    /// the service defaults record. No health check: a caller stays ready while a dependency restarts (its calls fail
    /// with UNAVAILABLE meanwhile), as with Aspire. A missing address stops the service at boot, naming the setting.
    /// </summary>
    public static IHostApplicationBuilder AddGrpcClient<TClient>(this IHostApplicationBuilder builder, string serviceName)
        where TClient : ClientBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        var addresses = ServiceAddresses(builder.Configuration, serviceName);
        builder.Services.AddSingleton(new GrpcClientChannels<TClient>(addresses));
        builder.Services.AddTransient(sp =>
        {
            var channels = sp.GetRequiredService<GrpcClientChannels<TClient>>();
            return (TClient)Activator.CreateInstance(typeof(TClient), channels.Invoker)!;
        });
        return builder;
    }

    /// <summary>The addresses <c>services:{name}:grpc:0..n</c>, in index order; throws naming the setting when none.</summary>
    public static IReadOnlyList<Uri> ServiceAddresses(IConfiguration configuration, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection($"services:{serviceName}:grpc");
        var addresses = new List<Uri>();
        for (var index = 0; section[index.ToString(System.Globalization.CultureInfo.InvariantCulture)] is { Length: > 0 } text; index++)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            {
                throw new InvalidOperationException(
                    $"services:{serviceName}:grpc:{index} (environment variable services__{serviceName}__grpc__{index}): '{text}' is not an http:// or https:// address.");
            }
            addresses.Add(address);
        }
        if (addresses.Count == 0)
        {
            throw new InvalidOperationException(
                $"services:{serviceName}:grpc:0 is not set (environment variable services__{serviceName}__grpc__0=http://127.0.0.1:<port>); "
                + $"the AppHost sets it for every project that has WithReference({serviceName}).");
        }
        return addresses;
    }
}

/// <summary>The channels of one client registration; owned by the container.</summary>
internal sealed class GrpcClientChannels<TClient> : IDisposable
    where TClient : ClientBase
{
    private readonly GrpcChannel[] _channels;

    public GrpcClientChannels(IReadOnlyList<Uri> addresses)
    {
        _channels = [.. addresses.Select(address => GrpcChannel.ForAddress(address))];
        Invoker = _channels.Length == 1
            ? _channels[0].CreateCallInvoker()
            : new RoundRobinCallInvoker([.. _channels.Select(c => c.CreateCallInvoker())]);
    }

    public CallInvoker Invoker { get; }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}

/// <summary>Spreads calls over the replicas of a service, one call each in turn.</summary>
internal sealed class RoundRobinCallInvoker(CallInvoker[] invokers) : CallInvoker
{
    private int _next = -1;

    private CallInvoker Next => invokers[(int)((uint)Interlocked.Increment(ref _next) % (uint)invokers.Length)];

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        Next.BlockingUnaryCall(method, host, options, request);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        Next.AsyncUnaryCall(method, host, options, request);

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        Next.AsyncServerStreamingCall(method, host, options, request);

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        Next.AsyncClientStreamingCall(method, host, options);

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        Next.AsyncDuplexStreamingCall(method, host, options);
}
