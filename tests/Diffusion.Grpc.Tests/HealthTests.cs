using Grpc.HealthCheck;
using Diffusion.Testing.Grpc;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Diffusion.Grpc.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Check_Server_IsServing()
    {
        await using var server = await StartAsync();
        var client = new Health.HealthClient(server.Channel);

        var response = await client.CheckAsync(new HealthCheckRequest());

        Assert.Equal(ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Check_UnknownService_IsNotFound()
    {
        await using var server = await StartAsync();
        var client = new Health.HealthClient(server.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.CheckAsync(new HealthCheckRequest { Service = "nope.v1.Nope" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Check_FollowsAspNetHealthChecks()
    {
        var healthy = true;
        await using var server = await StartAsync(checks => checks.AddCheck("flag", () => healthy ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy()));
        var client = new Health.HealthClient(server.Channel);

        Assert.Equal(ServingStatus.Serving, (await client.CheckAsync(new HealthCheckRequest())).Status);
        healthy = false;
        Assert.Equal(ServingStatus.NotServing, (await client.CheckAsync(new HealthCheckRequest())).Status);
    }

    [Fact]
    public async Task SetStatus_PerService_IsVisibleToCheck()
    {
        await using var server = await StartAsync();
        server.Services.GetRequiredService<HealthServiceImpl>().SetStatus("diffusion.quota.v1.QuotaService", ServingStatus.NotServing);
        var client = new Health.HealthClient(server.Channel);

        var response = await client.CheckAsync(new HealthCheckRequest { Service = "diffusion.quota.v1.QuotaService" });

        Assert.Equal(ServingStatus.NotServing, response.Status);
    }

    [Fact]
    public async Task Watch_SendsCurrentStatus_ThenEveryChange()
    {
        await using var server = await StartAsync();
        var health = server.Services.GetRequiredService<HealthServiceImpl>();
        var client = new Health.HealthClient(server.Channel);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        const string service = "diffusion.testing.v1.TestService";

        using var call = client.Watch(new HealthCheckRequest { Service = service }, cancellationToken: cts.Token);
        var stream = call.ResponseStream;

        Assert.True(await stream.MoveNext(cts.Token));
        Assert.Equal(ServingStatus.ServiceUnknown, stream.Current.Status);
        health.SetStatus(service, ServingStatus.Serving);
        Assert.True(await stream.MoveNext(cts.Token));
        Assert.Equal(ServingStatus.Serving, stream.Current.Status);
        health.SetStatus(service, ServingStatus.NotServing);
        Assert.True(await stream.MoveNext(cts.Token));
        Assert.Equal(ServingStatus.NotServing, stream.Current.Status);
    }

    private static Task<GrpcTestServer> StartAsync(Action<IHealthChecksBuilder>? checks = null) =>
        GrpcTestServer.StartAsync(
            builder =>
            {
                var healthChecks = builder.Services.AddGrpcHealthChecks();
                checks?.Invoke(healthChecks);
            },
            app => app.MapGrpcHealthChecksService());
}
