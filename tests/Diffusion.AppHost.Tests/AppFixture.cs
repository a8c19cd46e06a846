using Grpc.Net.Client;

namespace Diffusion.AppHost.Tests;

/// <summary>
/// The real AppHost, started once for the tests of <see cref="AppCollection"/> (about 12 s on an idle machine) with
/// the dashboard on, so traces can be read back from its telemetry API. PostgreSQL's data goes to a fresh directory
/// rather than the repository's .diffusion/, so a running AppHost and its ledger are left alone.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    /// <summary>Bound of every wait for the app or one of its resources; generous because CI machines are shared.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    /// <summary>The resources that have a health check, so healthy means ready to serve.</summary>
    public static readonly string[] HealthCheckedResources =
        ["redis", "postgres", "ledger", "classification", "quota", "modelweights", "endusers", "decisions"];

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"diffusion-apphost-tests-{Guid.NewGuid():N}");
    private readonly List<GrpcChannel> _channels = [];

    public DistributedApplication App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Diffusion_AppHost>(
            [$"--AppHost:DataDirectory={_dataDirectory}"],
            (options, _) => options.DisableDashboard = false,
            timeout.Token);
        App = await builder.BuildAsync(timeout.Token);
        await App.StartAsync(timeout.Token);
        await WaitAllHealthyAsync(App, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
        await App.StopAsync();
        await App.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>A gRPC channel to <paramref name="resource"/>'s h2c endpoint (DCP's proxy, as other systems see it).</summary>
    public GrpcChannel Channel(string resource)
    {
        var channel = GrpcChannel.ForAddress(App.GetEndpoint(resource, "grpc"));
        _channels.Add(channel);
        return channel;
    }

    /// <summary>Waits for every health-checked resource to be healthy, and for the initdb step to have completed.</summary>
    public static async Task WaitAllHealthyAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        await app.ResourceNotifications.WaitForResourceAsync("postgres-init", KnownResourceStates.Finished, cancellationToken);
        await Task.WhenAll(HealthCheckedResources.Select(name => app.ResourceNotifications.WaitForResourceHealthyAsync(name, cancellationToken)));
    }
}

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "app";
}
