using Diffusion.Quota.Reservations;
using Diffusion.Quota.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Quota.Tests.Storage;

/// <summary>A row PostgreSQL refuses must not break anybody else's answer.</summary>
[Collection(QuotaCollection.Name)]
public sealed class LedgerBatchIsolationTests(RedisFixture redis, PostgresFixture postgres) : QuotaTestBase(redis, postgres)
{
    [Fact]
    public async Task LedgerBatch_RowsPostgresRefusesBesideCleanCommits_EachCallerGetsItsOwnAnswer()
    {
        var node = await StartNodeAsync();
        var writer = node.Services.GetRequiredService<LedgerWriter>();
        var ids = Enumerable.Range(0, 300).Select(i => $"clean-{i}").ToList();
        foreach (var id in ids)
        {
            await node.Engine.ReserveAsync(Reserve(id, ("lpp/consignee-1/2026", 1)), default);
        }

        // A NUL character is a value PostgreSQL refuses in text: the row's fault, never the batch's. The ledger is
        // reached directly, so the rows get this far whatever the gRPC validation does.
        var clean = ids.Select(id => Task.Run(() => node.Engine.CommitAsync(id, default))).ToList();
        var hostile = Enumerable.Range(0, 300).Select(i => Task.Run(() =>
            writer.TransitionAsync($"bad\u0000{i}", ReservationState.Released, DateTimeOffset.UtcNow, default))).ToList();
        await Task.WhenAll(clean.Concat<Task>(hostile).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.All(clean, t => Assert.Equal(ReservationState.Committed, t.Result.State));
        Assert.All(hostile, t =>
        {
            var e = Assert.IsType<QuotaException>(t.Exception?.InnerException);
            Assert.Equal(QuotaErrorKind.InvalidArgument, e.Kind);
        });
        Assert.Equal(300L, await ScalarAsync<long>("SELECT count(*) FROM reservations WHERE state = 2"));
        var (differences, _) = await node.Engine.CheckConsistencyAsync(default);
        Assert.Empty(differences);
    }
}
