using Diffusion.EndUsers.Quota;
using Diffusion.Quota.V1;
using Diffusion.Testing.Grpc;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Diffusion.EndUsers.Tests.Service;

/// <summary>
/// NveuQuota over real gRPC to a Quota endpoint that answers every Reserve with one status: what counts as "Quota
/// unavailable, nothing recorded" is the shared downstream-failure set, the same as Decisions'.
/// </summary>
public sealed class NveuQuotaFailureTests
{
    // ResourceExhausted, Aborted, DataLoss and Unimplemented escaped EndUsers as Quota's own status before.
    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.Internal)]
    [InlineData(StatusCode.ResourceExhausted)]
    [InlineData(StatusCode.Aborted)]
    [InlineData(StatusCode.DataLoss)]
    [InlineData(StatusCode.Unimplemented)]
    public async Task Reserve_QuotaFails_QuotaUnavailable(StatusCode code)
    {
        await using var server = await StartQuotaAnswering(code);

        var e = await Assert.ThrowsAsync<QuotaUnavailableException>(() => Reserve(server));

        Assert.Contains(code.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.FailedPrecondition)]
    public async Task Reserve_QuotaRejectsTheRequest_ItsStatusPassesThrough(StatusCode code)
    {
        await using var server = await StartQuotaAnswering(code);

        var e = await Assert.ThrowsAsync<RpcException>(() => Reserve(server));

        Assert.Equal(code, e.StatusCode);
    }

    private static Task<GrpcTestServer> StartQuotaAnswering(StatusCode code) =>
        GrpcTestServer.StartAsync(
            builder => builder.Services.AddSingleton(new QuotaAnswering(code)),
            app => app.MapGrpcService<QuotaAnswering>());

    private static Task<NveuReservation> Reserve(GrpcTestServer server) =>
        new NveuQuota(new QuotaService.QuotaServiceClient(server.Channel), Options.Create(new EndUsersOptions { QuotaDeadline = TimeSpan.FromSeconds(30) }), TimeProvider.System)
            .ReserveAsync("r-1", "nveu-1", "AE", 10, "aid-2025", CancellationToken.None);

    private sealed class QuotaAnswering(StatusCode code) : QuotaService.QuotaServiceBase
    {
        public override Task<ReserveResponse> Reserve(ReserveRequest request, ServerCallContext context) =>
            throw new RpcException(new Status(code, "as the test asked"));
    }
}
