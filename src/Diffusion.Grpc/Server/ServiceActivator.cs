using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Grpc.Server;

/// <summary>
/// Gets the service instance for one call: the DI registration when there is one (any lifetime), else a new
/// instance per call with constructor injection, disposed when the call ends (grpc-dotnet's default).
/// </summary>
internal static class ServiceActivator<TService>
    where TService : class
{
    private static readonly ObjectFactory Factory = ActivatorUtilities.CreateFactory(typeof(TService), Type.EmptyTypes);

    public static (TService Service, bool Created) Create(IServiceProvider services)
    {
        var registered = services.GetService<TService>();
        return registered is not null ? (registered, false) : ((TService)Factory(services, null), true);
    }

    public static ValueTask ReleaseAsync(TService service)
    {
        switch (service)
        {
            case IAsyncDisposable asyncDisposable:
                return asyncDisposable.DisposeAsync();
            case IDisposable disposable:
                disposable.Dispose();
                return ValueTask.CompletedTask;
            default:
                return ValueTask.CompletedTask;
        }
    }
}
