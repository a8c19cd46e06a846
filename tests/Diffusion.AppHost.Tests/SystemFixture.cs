using System.Net;
using Diffusion.AppHost.Hosting;
using Diffusion.AppHost.Orchestration;

namespace Diffusion.AppHost.Tests;

/// <summary>
/// One small distributed application shared by the orchestration tests (the machine has 2 cores): Redis, PostgreSQL
/// with database "ledger", "back" (2 replicas of the test service, referencing both) and "front" (references back),
/// with the dashboard on a free port and data in a temporary directory.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public static string TestServiceProject => Path.Combine(
        AppHostOptions.FindRepositoryRoot(), "tests", "Diffusion.AppHost.TestService", "Diffusion.AppHost.TestService.csproj");

    public DistributedApplication App { get; private set; } = null!;

    public string DataDirectory { get; private set; } = null!;

    public HttpClient Dashboard { get; private set; } = null!;

    /// <summary>h2c client for the services (as gRPC clients talk to them).</summary>
    public HttpClient Services { get; } = new()
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(10),
    };

    public async Task InitializeAsync()
    {
        DataDirectory = NewDataDirectory();
        var builder = NewBuilder(DataDirectory);
        var redis = builder.AddRedis("redis");
        var ledger = builder.AddPostgres("postgres").AddDatabase("ledger");
        var back = builder.AddProject("back", TestServiceProject)
            .WithReference(redis).WaitFor(redis)
            .WithReference(ledger).WaitFor(ledger)
            .WithReplicas(2);
        builder.AddProject("front", TestServiceProject)
            .WithReference(back).WaitFor(back)
            .WithEnvironment("NEXT_SERVICE", "back");
        App = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await App.StartAsync(timeout.Token);
        Dashboard = new HttpClient { BaseAddress = App.DashboardUrl, Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task DisposeAsync()
    {
        Dashboard.Dispose();
        Services.Dispose();
        await App.DisposeAsync();
        DeleteDataDirectory(DataDirectory);
    }

    public string UrlOf(string resource, int replica = 0) => App.GetResource(resource).Endpoints[replica];

    /// <summary>Options for tests: free dashboard port, projects prebuilt by the test build, short backoff.</summary>
    public static DistributedApplicationBuilder NewBuilder(string dataDirectory)
    {
        var builder = DistributedApplication.CreateBuilder(["--dashboard-url", "http://127.0.0.1:0", "--data-dir", dataDirectory]);
        builder.Options.Build = BuildMode.IfMissing;
        builder.Options.HealthTimeout = TimeSpan.FromSeconds(60);
        builder.Options.RestartDelay = TimeSpan.FromMilliseconds(200);
        builder.Options.HealthInterval = TimeSpan.FromMilliseconds(500);
        builder.Options.PrintSummary = false;
        return builder;
    }

    /// <summary>A temporary data directory the unprivileged postgres user can traverse.</summary>
    public static string NewDataDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("diffusion-apphost-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
        }
        return directory;
    }

    public static void DeleteDataDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value or the bound passes.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan bound, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not happen within {bound.TotalSeconds:F0} s");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Whether a pid is a live (not zombie) process.</summary>
    internal static bool IsAlive(int pid) => ProcessGroups.IsAlive(pid);
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}
