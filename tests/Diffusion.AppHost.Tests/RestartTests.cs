using System.Diagnostics;
using Diffusion.Quota.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.AppHost.Tests;

/// <summary>DCP does not restart a process that dies; the AppHost's watcher does, and nothing acknowledged is lost.</summary>
[Collection(AppCollection.Name)]
public sealed class RestartTests(AppFixture fixture)
{
    [Fact]
    public async Task RedisKilled_RestartedByTheAppHost_QuotaRebuildsItsReservationsFromTheLedger()
    {
        using var timeout = new CancellationTokenSource(AppFixture.Timeout);
        await AppFixture.WaitAllHealthyAsync(fixture.App, timeout.Token);
        var consignee = $"restart-{Guid.NewGuid():N}"[..20];
        var decisions = new Decisions.V1.DecisionService.DecisionServiceClient(fixture.Channel("decisions"));
        var decision = await decisions.DecideAsync(Orders.Lpp(consignee, 10), deadline: DateTime.UtcNow.AddSeconds(30));
        var draw = Assert.Single(decision.Draws);

        await KillAndWaitForRestartAsync("redis", crashedProcess: pid => pid, timeout.Token);

        // Redis came back empty (no persistence); Quota notices and rebuilds it from PostgreSQL, answering UNAVAILABLE meanwhile.
        var quota = new QuotaService.QuotaServiceClient(fixture.Channel("quota"));
        var balance = await RetryWhileUnavailableAsync(() => quota.GetBalanceAsync(
            new GetBalanceRequest { BucketId = draw.BucketId }, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync, timeout.Token);
        Assert.Equal(draw.Tpp, balance.Pending);
    }

    [Fact]
    public async Task QuotaReplicaKilled_RestartedByTheAppHost()
    {
        using var timeout = new CancellationTokenSource(AppFixture.Timeout);
        await AppFixture.WaitAllHealthyAsync(fixture.App, timeout.Token);

        // A project's pid is its `dotnet run` wrapper; the crash to simulate is the service's own process, its child.
        await KillAndWaitForRestartAsync("quota", Processes.ChildOf, timeout.Token);

        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("quota", timeout.Token);
    }

    private async Task KillAndWaitForRestartAsync(string name, Func<int, int> crashedProcess, CancellationToken cancellationToken)
    {
        var notifications = fixture.App.ResourceNotifications;
        var running = await notifications.WaitForResourceAsync(
            name, e => e.Snapshot.State?.Text == KnownResourceStates.Running && Processes.Pid(e) is not null, cancellationToken);
        var pid = Processes.Pid(running)!.Value;

        using (var process = Process.GetProcessById(crashedProcess(pid)))
        {
            process.Kill(); // SIGKILL: no chance to exit cleanly, as in a crash.
        }

        var restarted = await notifications.WaitForResourceAsync(
            name,
            e => e.ResourceId == running.ResourceId && e.Snapshot.State?.Text == KnownResourceStates.Running && Processes.Pid(e) is { } newPid && newPid != pid,
            cancellationToken);
        Assert.True(Processes.IsRunning(Processes.Pid(restarted)!.Value));
        await notifications.WaitForResourceHealthyAsync(name, cancellationToken);

        // The restart is in the resource's own console log, where the dashboard shows it.
        var logs = fixture.App.Services.GetRequiredService<ResourceLoggerService>();
        await foreach (var batch in logs.WatchAsync(running.ResourceId).WithCancellation(cancellationToken))
        {
            if (batch.Any(line => line.Content.Contains($"{running.ResourceId} started again", StringComparison.Ordinal)))
            {
                break;
            }
        }
    }

    private static async Task<T> RetryWhileUnavailableAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }
}
