using System.Reflection;
using Google.Protobuf.Reflection;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace Diffusion.AppHost.Tests.Fuzz;

/// <summary>One unary method of a service (or, where asked for, a streaming one), and the AppHost resource that serves it.</summary>
internal sealed record UnaryMethod(string Resource, MethodDescriptor Descriptor)
{
    public string FullName => $"{Descriptor.Service.FullName}/{Descriptor.Name}";
}

/// <summary>
/// Every unary method the running system serves, found rather than listed: each resource's gRPC server reflection says
/// which services it serves, and the contract's generated file descriptors (src/Diffusion.Contracts) say what each
/// service's methods take. A method added to a proto is fuzzed without touching the fuzzer.
/// </summary>
internal static class UnaryMethods
{
    /// <summary>Services every resource serves that are infrastructure, not the contract (health, reflection).</summary>
    private static readonly string[] Infrastructure = ["grpc."];

    /// <summary>The unary methods served, or with <paramref name="streaming"/> the streaming ones (client, server or both).</summary>
    public static async Task<IReadOnlyList<UnaryMethod>> DiscoverAsync(
        IReadOnlyDictionary<string, GrpcChannel> channels, CancellationToken cancellationToken, bool streaming = false)
    {
        var descriptors = ContractServices();
        var methods = new List<UnaryMethod>();
        foreach (var (resource, channel) in channels)
        {
            foreach (var name in await ServedAsync(channel, cancellationToken))
            {
                if (Infrastructure.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    continue;
                }

                var service = descriptors.TryGetValue(name, out var found)
                    ? found
                    : throw new InvalidOperationException($"{resource} serves {name}, which no file descriptor of Diffusion.Contracts declares");
                methods.AddRange(service.Methods
                    .Where(m => (m.IsClientStreaming || m.IsServerStreaming) == streaming)
                    .Select(m => new UnaryMethod(resource, m)));
            }
        }

        return methods;
    }

    /// <summary>The services declared by every generated file descriptor of the contract assembly, by full name.</summary>
    private static Dictionary<string, ServiceDescriptor> ContractServices() =>
        typeof(Quota.V1.QuotaService).Assembly.GetTypes()
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(p => p?.PropertyType == typeof(FileDescriptor))
            .Select(p => (FileDescriptor)p!.GetValue(null)!)
            .SelectMany(f => f.Services)
            .ToDictionary(s => s.FullName, StringComparer.Ordinal);

    private static async Task<IReadOnlyList<string>> ServedAsync(GrpcChannel channel, CancellationToken cancellationToken)
    {
        var client = new ServerReflection.ServerReflectionClient(channel);
        using var call = client.ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, cancellationToken);
        await call.RequestStream.CompleteAsync();
        var names = new List<string>();
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            names.AddRange(call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));
        }

        return names;
    }
}
