using Diffusion.Quota.V1;
using Grpc.Core;

namespace Diffusion.Quota.Tests.Infrastructure;

/// <summary>
/// Quota replicas as they run in production: each a Kestrel h2c server on 127.0.0.1:0 wired by <c>AddQuotaServices()</c>,
/// all sharing one Redis keyspace and one ledger. Clients talk gRPC to them.
/// </summary>
internal sealed class QuotaCluster : IAsyncDisposable
{
    private readonly Dictionary<string, string?> settings;
    private readonly List<QuotaNode?> nodes = [];

    private QuotaCluster(Dictionary<string, string?> settings) => this.settings = settings;

    /// <summary>The replicas, null where one was killed.</summary>
    public IReadOnlyList<QuotaNode?> Nodes => nodes;

    public static async Task<QuotaCluster> StartAsync(Dictionary<string, string?> settings, int replicas)
    {
        var cluster = new QuotaCluster(settings);
        for (var i = 0; i < replicas; i++)
        {
            await cluster.AddReplicaAsync();
        }

        return cluster;
    }

    public async Task<QuotaNode> AddReplicaAsync()
    {
        var node = await QuotaNode.StartAsync(settings);
        nodes.Add(node);
        return node;
    }

    /// <summary>A client of replica <paramref name="index"/> (null when that replica was killed).</summary>
    public QuotaService.QuotaServiceClient? Client(int index) => nodes[index]?.Client;

    /// <summary>A client of live replica <paramref name="index"/> presenting <paramref name="token"/>.</summary>
    public QuotaService.QuotaServiceClient Client(int index, string token) =>
        new(nodes[index]!.CreateChannel(token: token));

    /// <summary>Stops a replica at once: in-flight calls fail, the host does not wait for them.</summary>
    public async Task KillAsync(int index)
    {
        var node = nodes[index]!;
        nodes[index] = null;
        await node.KillAsync();
        await node.DisposeAsync();
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
            var client = Client((startAt + attempt) % nodes.Count);
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
        foreach (var node in nodes)
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }
    }
}
