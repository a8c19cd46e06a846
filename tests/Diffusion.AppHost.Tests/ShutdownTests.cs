using System.Globalization;
using System.Net;
using Diffusion.AppHost.Hosting;
using Diffusion.AppHost.Orchestration;

namespace Diffusion.AppHost.Tests;

[Collection(SystemCollection.Name)]
public sealed class ShutdownTests
{
    [Fact]
    public async Task Stop_StopsInReverseOrder_AndLeavesNoProcessBehind()
    {
        var dataDirectory = SystemFixture.NewDataDirectory();
        try
        {
            var builder = SystemFixture.NewBuilder(dataDirectory);
            var redis = builder.AddRedis("redis");
            var ledger = builder.AddPostgres("postgres").AddDatabase("ledger");
            builder.AddExecutable("shell", "/bin/sh", null, "-c", "sleep 600 & sleep 600 & wait");
            builder.AddProject("svc", SystemFixture.TestServiceProject)
                .WithReference(redis).WaitFor(redis).WithReference(ledger).WaitFor(ledger);
            var app = builder.Build();
            var pids = new List<int>();
            await using (app)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                await app.StartAsync(timeout.Token);
                Assert.All(app.GetResources(), r => Assert.Equal(ResourceState.Running, r.State));

                using var client = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
                using var spawn = await client.PostAsync(new Uri(new Uri(app.GetResource("svc").Endpoints[0]), "/spawn"), null);
                var grandchild = int.Parse(await spawn.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
                foreach (var name in new[] { "redis", "postgres", "shell", "svc" })
                {
                    var group = app.GetResource(name).Replicas[0].ProcessId!.Value;
                    pids.AddRange(ProcessGroups.Members(group));
                }
                Assert.Contains(grandchild, pids);
                Assert.True(pids.Count >= 7, $"expected the shell's sleeps and postgres' workers among {pids.Count} processes");

                await app.StopAsync();

                var stopped = app.GetResources().ToDictionary(r => r.Name);
                Assert.All(stopped.Values, r => Assert.Equal(ResourceState.Stopped, r.State));
                var stopTimes = new[] { "svc", "shell", "postgres", "redis" }
                    .Select(name => app.GetLogs(name).Last(l => l.Text.EndsWith(": stopped", StringComparison.Ordinal)).Sequence > 0
                        ? app.GetLogs(name).Last(l => l.Text.EndsWith(": stopped", StringComparison.Ordinal)).Time
                        : default)
                    .ToList();
                Assert.Equal(stopTimes.Order().ToList(), stopTimes);   // dependents first, Redis last
            }

            Assert.DoesNotContain(pids, SystemFixture.IsAlive);
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(dataDirectory, "run")));
        }
        finally
        {
            SystemFixture.DeleteDataDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task Start_MissingRedisBinary_StopsEverythingWithTheReason()
    {
        var dataDirectory = SystemFixture.NewDataDirectory();
        try
        {
            var builder = SystemFixture.NewBuilder(dataDirectory);
            builder.Options.RedisServerPath = "/nonexistent/redis-server";
            var redis = builder.AddRedis("redis");
            builder.AddExecutable("shell", "/bin/sh", null, "-c", "sleep 600");
            builder.AddProject("svc", SystemFixture.TestServiceProject).WithReference(redis).WaitFor(redis);
            await using var app = builder.Build();

            var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
            await app.StopAsync();

            Assert.Contains("/nonexistent/redis-server", error.Message, StringComparison.Ordinal);
            Assert.Equal(ResourceState.FailedToStart, app.GetResource("redis").State);
            var run = Path.Combine(dataDirectory, "run");
            Assert.True(!Directory.Exists(run) || !Directory.EnumerateFiles(run).Any(), "a process of the failed start is still recorded");
        }
        finally
        {
            SystemFixture.DeleteDataDirectory(dataDirectory);
        }
    }
}
