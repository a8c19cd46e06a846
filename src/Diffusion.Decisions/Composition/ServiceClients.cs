using Grpc.Core;
using Grpc.Net.Client;

namespace Diffusion.Decisions.Composition;

/// <summary>
/// gRPC clients of the services Decisions composes, addressed by the Aspire convention
/// <c>services__&lt;name&gt;__grpc__0</c>. A missing address stops the service at start, naming the setting.
/// </summary>
internal static class ServiceClients
{
    /// <summary>Registers a client of the service <paramref name="name"/>.</summary>
    public static IHostApplicationBuilder AddServiceClient<TClient>(this IHostApplicationBuilder builder, string name, Func<ChannelBase, TClient> create)
        where TClient : class
    {
        builder.Services.AddSingleton(sp => create(GrpcChannel.ForAddress(AddressOf(sp.GetRequiredService<IConfiguration>(), name))));
        builder.Services.AddHostedService(sp => new StartupCheck(() => sp.GetRequiredService<TClient>()));
        return builder;
    }

    /// <summary>The configured address of a service.</summary>
    public static Uri AddressOf(IConfiguration configuration, string name)
    {
        var text = configuration[$"services:{name}:grpc:0"] ?? configuration[$"services:{name}:http:0"];
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidOperationException($"services__{name}__grpc__0 is not set: Decisions needs the address of the {name} service");
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new InvalidOperationException($"services__{name}__grpc__0: '{text}' is not an http:// or https:// address");
    }

    private sealed class StartupCheck(Func<object> resolve) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = resolve();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
