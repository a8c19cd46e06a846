using Diffusion.Quota.Grpc;
using Diffusion.Quota.V1;
using Diffusion.Testing.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Diffusion.EndUsers.Tests.Service;

/// <summary>The real Quota service (Redis gate, PostgreSQL ledger) on Kestrel at 127.0.0.1 port 0, wired by <c>AddQuotaServices()</c>.</summary>
internal sealed class QuotaHost : IAsyncDisposable
{
    private readonly GrpcTestServer server;

    private QuotaHost(GrpcTestServer server)
    {
        this.server = server;
        Client = new QuotaService.QuotaServiceClient(server.Channel);
    }

    public QuotaService.QuotaServiceClient Client { get; }

    public string Address => server.Address.ToString().TrimEnd('/');

    public static async Task<QuotaHost> StartAsync(string redis, string ledger)
    {
        var server = await GrpcTestServer.StartAsync(
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["ConnectionStrings:redis"] = redis,
                    ["ConnectionStrings:ledger"] = ledger,
                    ["Quota:RedisKeyPrefix"] = $"eu{Guid.NewGuid():N}"[..20] + ":",
                    ["Quota:DefaultRuleSet"] = "aid-2025",
                });
                builder.AddDiffusionAuthentication();
                builder.AddQuotaServices();
            },
            app => app.MapGrpcService<QuotaGrpcService>());
        return new QuotaHost(server);
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
