namespace Diffusion.AppHost.Tests;

/// <summary>Stopping the app stops every process it started: Redis, PostgreSQL and its backends, every replica, DCP.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Stop_LeavesNoProcessBehind()
    {
        using var timeout = new CancellationTokenSource(AppFixture.Timeout);
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"diffusion-apphost-tests-{Guid.NewGuid():N}");
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Diffusion_AppHost>(
                [$"--AppHost:DataDirectory={dataDirectory}"], timeout.Token);
            foreach (var project in builder.Resources.OfType<ProjectResource>())
            {
                // Telemetry is not under test here.
                builder.CreateResourceBuilder(project).WithEnvironment("OTEL_SDK_DISABLED", "true");
            }
            await using var app = await builder.BuildAsync(timeout.Token);
            await app.StartAsync(timeout.Token);
            await AppFixture.WaitAllHealthyAsync(app, timeout.Token);

            var started = Started();
            Assert.Contains(started, pid => Processes.All().Any(p => p.Pid == pid && p.CommandLine.Contains("redis-server", StringComparison.Ordinal)));
            Assert.Contains(started, pid => Processes.All().Any(p => p.Pid == pid && p.CommandLine.Contains("postgres", StringComparison.Ordinal)));
            Assert.Contains(started, pid => Processes.All().Any(p => p.Pid == pid && p.CommandLine.Contains("Diffusion.Quota", StringComparison.Ordinal)));

            await app.StopAsync(timeout.Token);

            var left = started.ToHashSet();
            for (var deadline = DateTime.UtcNow.AddSeconds(30); left.Count > 0 && DateTime.UtcNow < deadline; await Task.Delay(200, timeout.Token))
            {
                left.IntersectWith(Processes.All().Select(p => p.Pid));
            }
            Assert.True(left.Count == 0, "still running: " + string.Join("; ", Processes.All().Where(p => left.Contains(p.Pid)).Select(p => $"{p.Pid} {p.CommandLine}")));
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    /// <summary>
    /// Every process of the app: DCP's (which watch this test process, where the AppHost runs) and everything below
    /// them: redis-server, postgres and its backends, each replica's <c>dotnet run</c> wrapper and the service under it.
    /// </summary>
    private static HashSet<int> Started()
    {
        var all = Processes.All();
        var dcpConfig = all.Where(p => p.CommandLine.Contains($"dcp start-apiserver --monitor {Environment.ProcessId} ", StringComparison.Ordinal))
            .Select(p => p.CommandLine.Split(' ').SkipWhile(a => a != "--kubeconfig").Skip(1).FirstOrDefault())
            .FirstOrDefault(path => path is not null);
        Assert.NotNull(dcpConfig);
        var dcp = all.Where(p => p.CommandLine.Contains("/dcp ", StringComparison.Ordinal)
                && (p.CommandLine.Contains($"--monitor {Environment.ProcessId} ", StringComparison.Ordinal)
                    || p.CommandLine.Contains(dcpConfig, StringComparison.Ordinal)))
            .Select(p => p.Pid);
        return Processes.WithDescendants(dcp);
    }
}
