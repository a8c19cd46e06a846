using Diffusion.Decisions.V1;
using Diffusion.Quota.V1;

namespace Diffusion.AppHost.Tests;

/// <summary>The system as the AppHost starts it: every resource ready, an order decided end to end.</summary>
[Collection(AppCollection.Name)]
public sealed class SystemTests(AppFixture fixture)
{
    [Fact]
    public async Task Start_EveryResource_Healthy()
    {
        using var timeout = new CancellationTokenSource(AppFixture.Timeout);
        await AppFixture.WaitAllHealthyAsync(fixture.App, timeout.Token);

        foreach (var name in AppFixture.HealthCheckedResources)
        {
            var resource = await fixture.App.ResourceNotifications.WaitForResourceAsync(
                name, e => e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, timeout.Token);
            Assert.Equal(KnownResourceStates.Running, resource.Snapshot.State?.Text);
        }
        var init = await fixture.App.ResourceNotifications.WaitForResourceAsync(
            "postgres-init", e => e.Snapshot.State?.Text == KnownResourceStates.Finished, timeout.Token);
        Assert.Equal(0, init.Snapshot.ExitCode);
    }

    [Fact]
    public async Task Decide_LppOrder_ReservesPendingInQuota()
    {
        var consignee = $"gulf-ai-{Guid.NewGuid():N}"[..20];
        var decisions = new DecisionService.DecisionServiceClient(fixture.Channel("decisions"));
        var quota = new QuotaService.QuotaServiceClient(fixture.Channel("quota"));

        // As samples/tier2-lpp-small.json: 256 H100 to a consignee in the UAE (Tier 2), under the LPP exception.
        var decision = await decisions.DecideAsync(Orders.Lpp(consignee, 256), deadline: DateTime.UtcNow.AddSeconds(30));

        Assert.Equal(DecisionOutcome.LicenseException, decision.Outcome);
        Assert.Equal("LPP", decision.LicenseException);
        Assert.NotEmpty(decision.ReservationId);
        var draw = Assert.Single(decision.Draws);
        Assert.Equal($"lpp/{consignee}/2026", draw.BucketId);
        var balance = await quota.GetBalanceAsync(new GetBalanceRequest { BucketId = draw.BucketId }, deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal(draw.Tpp, balance.Pending);
        Assert.Equal(balance.Cap - draw.Tpp, balance.Available);
    }
}
