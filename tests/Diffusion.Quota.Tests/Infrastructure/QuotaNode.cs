using Diffusion.Quota.Reservations;
using Diffusion.Quota.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Diffusion.Quota.Tests.Infrastructure;

/// <summary>
/// One quota replica in-process, wired by the shipped <c>AddQuotaServices()</c> against real Redis and PostgreSQL.
/// Several nodes on the same Redis key prefix and database are several replicas of one deployment.
/// </summary>
internal sealed class QuotaNode : IAsyncDisposable
{
    private readonly IHost host;

    private QuotaNode(IHost host)
    {
        this.host = host;
        Engine = host.Services.GetRequiredService<QuotaEngine>();
    }

    public QuotaEngine Engine { get; }

    public IServiceProvider Services => host.Services;

    public RecoveryCoordinator Recovery => host.Services.GetRequiredService<RecoveryCoordinator>();

    public ExpirySweeper Sweeper => host.Services.GetRequiredService<ExpirySweeper>();

    public static Dictionary<string, string?> Settings(string redis, string ledger, string prefix) => new()
    {
        ["ConnectionStrings:redis"] = redis,
        ["ConnectionStrings:ledger"] = ledger,
        ["Quota:RedisKeyPrefix"] = prefix,
        ["Quota:DefaultRuleSet"] = "aid-2026",
        ["Quota:ReadyWaitMilliseconds"] = "3000",
        ["Quota:SweepIntervalMilliseconds"] = "100",
        ["Quota:OrphanGraceSeconds"] = "2",
    };

    public static async Task<QuotaNode> StartAsync(
        Dictionary<string, string?> settings,
        TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.AddQuotaServices();
        var host = builder.Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await host.StartAsync(timeout.Token);
        return new QuotaNode(host);
    }

    /// <summary>Stops the replica without waiting for in-flight work (as close to a kill as in-process allows).</summary>
    public async Task KillAsync()
    {
        using var now = new CancellationTokenSource();
        await now.CancelAsync();
        try
        {
            await host.StopAsync(now.Token);
        }
        catch (OperationCanceledException)
        {
            // Expected: we did not wait.
        }

        host.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(timeout.Token);
        }
        catch (ObjectDisposedException)
        {
            // Killed already.
        }

        host.Dispose();
    }
}
