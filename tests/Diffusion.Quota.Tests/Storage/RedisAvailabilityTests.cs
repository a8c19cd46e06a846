using Diffusion.Quota.Reservations;
using Diffusion.Quota.Tests.Infrastructure;
using Diffusion.Testing.Postgres;
using Diffusion.Testing.Redis;

namespace Diffusion.Quota.Tests.Storage;

/// <summary>
/// Redis as the AppHost hands it over: a bare <c>host:port</c> connection string (no <c>abortConnect=false</c>), read by
/// Aspire's <c>AddRedisClient</c>, which connects synchronously when the multiplexer is first resolved.
/// </summary>
[Collection(QuotaCollection.Name)]
public sealed class RedisAvailabilityTests(RedisFixture redis, PostgresFixture postgres) : QuotaTestBase(redis, postgres)
{
    private const string Lpp = "lpp/consignee-1/2026";

    [Fact]
    public async Task RedisDownAtStart_BareConnectionString_StartsAnswersUnavailableThenServesOnceRedisIsUp()
    {
        await using var ownRedis = await RedisServer.StartAsync();
        await ownRedis.KillAsync();

        var node = await StartNodeAsync(Settings($"127.0.0.1:{ownRedis.Port}"));
        var whileDown = await Assert.ThrowsAsync<QuotaException>(() => node.Engine.ReserveAsync(Reserve("a", (Lpp, 1_000)), default));

        await ownRedis.RestartAsync();
        var answer = await ReserveWhenReadyAsync(node);

        Assert.Equal(QuotaErrorKind.Unavailable, whileDown.Kind);
        Assert.Equal(ReserveOutcome.Reserved, answer.Outcome);
    }

    private static async Task<ReserveAnswer> ReserveWhenReadyAsync(QuotaNode node)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                return await node.Engine.ReserveAsync(Reserve("a", (Lpp, 1_000)), timeout.Token);
            }
            catch (QuotaException e) when (e.Kind == QuotaErrorKind.Unavailable && !timeout.IsCancellationRequested)
            {
                await Task.Delay(200, timeout.Token);
            }
        }
    }
}
