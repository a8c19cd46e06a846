using Diffusion.ServiceDefaults.Security;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;

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
        ["identity", "redis", "postgres", "ledger", "classification", "quota", "modelweights", "endusers", "decisions"];

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"diffusion-apphost-tests-{Guid.NewGuid():N}");
    private readonly List<GrpcChannel> _channels = [];
    private readonly HttpClient _http = new();

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>The app's data directory (PostgreSQL's cluster, <c>secrets/</c>, the checkpoint key's public half).</summary>
    public string DataDirectory => _dataDirectory;

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
        _http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>
    /// A gRPC channel to <paramref name="resource"/>'s h2c endpoint (DCP's proxy, as other systems see it), presenting a
    /// token from the app's identity provider: of the CLI's local client (every role a person may hold) when
    /// <paramref name="role"/> is null, narrowed to <paramref name="role"/> when it is a person's, and Decisions' own
    /// service identity for <see cref="Roles.Service"/>. Null <paramref name="role"/> and "none": no token at all.
    /// </summary>
    public GrpcChannel Channel(string resource, string? role = null)
    {
        var channel = GrpcChannel.ForAddress(App.GetEndpoint(resource, "grpc"), new GrpcChannelOptions().WithToken(role == "none" ? null : Tokens(role)));
        _channels.Add(channel);
        return channel;
    }

    /// <summary>Client credentials at the app's identity provider, as the CLI (or, for role "service", Decisions) gets them.</summary>
    public IServiceTokenSource Tokens(string? role)
    {
        var options = new AuthOptions { Authority = App.GetEndpoint("identity", "http").ToString() };
        options.Client.ClientId = role == Roles.Service ? "decisions" : "cli";
        options.Client.ClientSecret = File.ReadAllText(Path.Combine(_dataDirectory, "secrets", options.Client.ClientId)).Trim();
        if (role is not null && role != Roles.Service)
        {
            options.Client.Roles.Add(role);
        }

        return new ClientCredentialsTokenSource(_http, Options.Create(options), TimeProvider.System);
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
