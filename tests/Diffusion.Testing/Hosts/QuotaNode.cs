using Diffusion.Quota.Grpc;
using Diffusion.Quota.V1;
using Diffusion.Testing.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Diffusion.Testing.Hosts;

/// <summary>
/// One Quota replica as it runs in production: the real service (Redis gate, PostgreSQL ledger) wired by the shipped
/// <c>AddQuotaServices()</c>, on Kestrel at 127.0.0.1 port 0 (h2c). Several nodes on the same Redis key prefix and
/// ledger are several replicas of one deployment. The one Quota host of every test project.
/// </summary>
public sealed class QuotaNode : RunningService<QuotaService.QuotaServiceClient>
{
    private bool killed;

    private QuotaNode(GrpcTestServer server)
        : base(server, channel => new QuotaService.QuotaServiceClient(channel))
    {
    }

    /// <summary>The configuration every node needs: its Redis, its ledger and its Redis key prefix (a fresh one if none).</summary>
    public static Dictionary<string, string?> Settings(string redis, string ledger, string? prefix = null) => new()
    {
        ["ConnectionStrings:redis"] = redis,
        ["ConnectionStrings:ledger"] = ledger,
        ["Quota:RedisKeyPrefix"] = prefix ?? $"q{Guid.NewGuid():N}"[..20] + ":",
    };

    /// <summary>Starts a node.</summary>
    /// <param name="settings">Configuration, e.g. <see cref="Settings"/> plus a test's own.</param>
    /// <param name="time">A clock to use instead of the system's.</param>
    /// <param name="serviceDefaults">Start as Program.cs does, with the service defaults first (as under the AppHost).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<QuotaNode> StartAsync(
        IReadOnlyDictionary<string, string?> settings,
        TimeProvider? time = null,
        bool serviceDefaults = false,
        CancellationToken cancellationToken = default)
    {
        var server = await ProgramHost.StartAsync(
            builder =>
            {
                // Scope and build validation as in Development, where the AppHost runs the service.
                builder.Host.UseDefaultServiceProvider(o =>
                {
                    o.ValidateScopes = true;
                    o.ValidateOnBuild = true;
                });
                if (!serviceDefaults)
                {
                    // A bare node logs nowhere (the Quota tests kill its Redis and PostgreSQL on purpose).
                    builder.Logging.ClearProviders();
                }

                if (time is not null)
                {
                    builder.Services.AddSingleton(time);
                }

                builder.AddQuotaServices();
            },
            app => app.MapGrpcService<QuotaGrpcService>(),
            settings,
            serviceDefaults,
            cancellationToken).ConfigureAwait(false);
        return new QuotaNode(server);
    }

    /// <summary>Stops the replica without waiting for in-flight work (as close to a kill as in-process allows).</summary>
    public async Task KillAsync()
    {
        killed = true;
        using var now = new CancellationTokenSource();
        await now.CancelAsync().ConfigureAwait(false);
        try
        {
            await Server.App.StopAsync(now.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Expected: we did not wait.
        }

        await Server.App.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException) when (killed)
        {
            // Stopped already; its channels are closed all the same.
        }
    }
}
