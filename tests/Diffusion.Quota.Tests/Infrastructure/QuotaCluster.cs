using Diffusion.Quota.Grpc;
using Diffusion.Quota.V1;
using Diffusion.Testing.Grpc;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Diffusion.Quota.Tests.Infrastructure;

/// <summary>
/// Quota replicas as they run in production: each a Kestrel h2c server on 127.0.0.1:0 wired by <c>AddQuotaServices()</c>,
/// all sharing one Redis keyspace and one ledger. Clients talk gRPC to them.
/// </summary>
internal sealed class QuotaCluster : IAsyncDisposable
{
    private readonly Dictionary<string, string?> settings;
    private readonly List<GrpcTestServer?> servers = [];

    private QuotaCluster(Dictionary<string, string?> settings) => this.settings = settings;

    public IReadOnlyList<GrpcTestServer?> Servers => servers;

    public static async Task<QuotaCluster> StartAsync(Dictionary<string, string?> settings, int replicas)
    {
        var cluster = new QuotaCluster(settings);
        for (var i = 0; i < replicas; i++)
        {
            await cluster.AddReplicaAsync();
        }

        return cluster;
    }

    public async Task<GrpcTestServer> AddReplicaAsync()
    {
        var server = await GrpcTestServer.StartAsync(
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                builder.AddDiffusionAuthentication();
                builder.AddQuotaServices();
            },
            app => app.MapGrpcService<QuotaGrpcService>());
        servers.Add(server);
        return server;
    }

    /// <summary>A client of replica <paramref name="index"/> (null when that replica was killed).</summary>
    public QuotaService.QuotaServiceClient? Client(int index) =>
        servers[index] is { } server ? new QuotaService.QuotaServiceClient(server.Channel) : null;

    /// <summary>A client of live replica <paramref name="index"/> presenting <paramref name="token"/>.</summary>
    public QuotaService.QuotaServiceClient Client(int index, string token) =>
        new(servers[index]!.CreateChannel(token: token));

    /// <summary>Stops a replica at once: in-flight calls fail, the host does not wait for them.</summary>
    public async Task KillAsync(int index)
    {
        var server = servers[index]!;
        servers[index] = null;
        using var now = new CancellationTokenSource();
        await now.CancelAsync();
        try
        {
            await server.App.StopAsync(now.Token);
        }
        catch (OperationCanceledException)
        {
            // Not waiting is the point.
        }

        await server.App.DisposeAsync();
    }

    /// <summary>
    /// Reserves with retries on UNAVAILABLE (or a dead replica), moving to the next replica each time, with the same
    /// reservation id: what a careful client does. Returns the first answer the service acknowledged.
    /// </summary>
    public async Task<ReserveResponse> ReserveWithRetriesAsync(ReserveRequest request, int startAt, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        for (var attempt = 0; ; attempt++)
        {
            var client = Client((startAt + attempt) % servers.Count);
            if (client is not null)
            {
                try
                {
                    return await client.ReserveAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Cancelled or StatusCode.DeadlineExceeded or StatusCode.Unknown
                    && DateTime.UtcNow < deadline)
                {
                    // Not acknowledged: retry the same id.
                }
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in servers)
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }
}
