using Diffusion.Quota.Reservations;
using Diffusion.Quota.Storage;
using Diffusion.Storage.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Diffusion.Quota.Tests.Storage;

/// <summary>
/// What a rebuild reads (migration 0002: per-bucket totals and the list of pending reservations, kept by the ledger's
/// triggers) stays equal to what the reservations themselves say, through every kind of write, and an existing
/// ledger gets it on migration.
/// </summary>
[Collection(QuotaCollection.Name)]
public sealed class RebuildProjectionTests(RedisFixture redis, PostgresFixture postgres) : QuotaTestBase(redis, postgres)
{
    private const string Lpp = "lpp/consignee-1/2026"; // rules: 26,900,000 TPP per consignee-year
    private const string Country = "country/AE/2025-2027";

    [Fact]
    public async Task Projection_KeptRightAcrossReserveCommitReleaseExpire_AndARebuildAfterEachAgreesWithTheLedger()
    {
        await using var ownRedis = await RedisServer.StartAsync();
        var node = await StartNodeAsync(Settings(ownRedis.ConnectionString));

        await node.Engine.ReserveAsync(Reserve("a", (Lpp, 5), (Country, 7)), default);
        await node.Engine.ReserveAsync(Reserve("b", (Lpp, 3)), default);
        await node.Engine.ReserveAsync(Reserve("c", (Country, 2)), default);
        var refused = await node.Engine.ReserveAsync(Reserve("d", (Lpp, 26_900_000)), default);
        Assert.Equal(ReserveOutcome.Insufficient, refused.Outcome);
        await StepAsync(node, ownRedis, "reserved", lpp: (0, 8), country: (0, 9), pendingIds: ["a", "b", "c"]);

        await node.Engine.CommitAsync("a", default);
        await StepAsync(node, ownRedis, "a committed", lpp: (5, 3), country: (7, 2), pendingIds: ["b", "c"]);

        await node.Engine.ReleaseAsync("b", default);
        await StepAsync(node, ownRedis, "b released", lpp: (5, 0), country: (7, 2), pendingIds: ["c"]);

        // e is pending for a second only, so its reservation is checked by the sweeper's expiry, not by a rebuild.
        await node.Engine.ReserveAsync(Reserve("e", TimeSpan.FromSeconds(1), (Lpp, 4)), default);
        await ReservationInvariantTests.WaitUntilAsync(
            async () => (await node.Engine.GetReservationAsync("e", default)).State == ReservationState.Expired, TimeSpan.FromSeconds(20));
        await StepAsync(node, ownRedis, "e expired", lpp: (5, 0), country: (7, 2), pendingIds: ["c"]);

        // A commit retried (the second finds c committed and moves nothing) counts once.
        await node.Engine.CommitAsync("c", default);
        await node.Engine.CommitAsync("c", default);
        await StepAsync(node, ownRedis, "c committed twice", lpp: (5, 0), country: (9, 0), pendingIds: []);
    }

    [Fact]
    public async Task Migration_ExistingLedger_GetsTotalsAndPendingList_AndRebuildsFromThem()
    {
        // A ledger as the first migration left it, written before the projection existed.
        await using (var dataSource = NpgsqlDataSource.Create(LedgerConnectionString))
        {
            var first = new MigrationSet(MigrationRunner.Migrations.Schema, MigrationRunner.Migrations.Migrations.Where(m => m.Version == 1));
            await SchemaMigrator.ApplyAsync(dataSource, first, NullLogger.Instance, default);
        }

        await ExecuteAsync("""
            INSERT INTO reservations (reservation_id, token, state, outcome, fingerprint, expires_at, epoch, created_at, updated_at) VALUES
              ('old-pending', 'aaaaaaaa-0000-0000-0000-000000000001', 1, 1, 'lpp/consignee-1/2026=11
            country/AE/2025-2027=13', now() + interval '1 hour', 0, now(), now()),
              ('old-committed', 'aaaaaaaa-0000-0000-0000-000000000002', 2, 1, 'lpp/consignee-1/2026=17', now() + interval '1 hour', 0, now(), now()),
              ('old-released', 'aaaaaaaa-0000-0000-0000-000000000003', 3, 1, 'lpp/consignee-1/2026=19', now() + interval '1 hour', 0, now(), now()),
              ('old-refused', 'aaaaaaaa-0000-0000-0000-000000000004', 5, 2, 'lpp/consignee-1/2026=23', now() + interval '1 hour', 0, now(), now());
            INSERT INTO reservation_draws (reservation_id, ordinal, bucket_id, tpp) VALUES
              ('old-pending', 1, 'lpp/consignee-1/2026', 11), ('old-pending', 2, 'country/AE/2025-2027', 13),
              ('old-committed', 1, 'lpp/consignee-1/2026', 17), ('old-released', 1, 'lpp/consignee-1/2026', 19),
              ('old-refused', 1, 'lpp/consignee-1/2026', 23);
            INSERT INTO buckets (bucket_id, cap, created_at, updated_at) VALUES
              ('lpp/consignee-1/2026', NULL, now(), now()), ('country/AE/2025-2027', NULL, now(), now());
            """);

        await using var ownRedis = await RedisServer.StartAsync();
        var node = await StartNodeAsync(Settings(ownRedis.ConnectionString)); // migrates, then rebuilds the empty Redis
        await AssertProjectionAsync("migrated", lpp: (17, 11), country: (0, 13), pendingIds: ["old-pending"]);
        var (differences, _) = await node.Engine.CheckConsistencyAsync(default);
        Assert.Empty(differences);

        // The migrated pending reservation carries on: its commit moves both buckets, in the projection too.
        await node.Engine.CommitAsync("old-pending", default);
        await StepAsync(node, ownRedis, "old-pending committed", lpp: (28, 0), country: (13, 0), pendingIds: []);
        var balance = await node.Engine.GetBalanceAsync(Lpp, null, default);
        Assert.Equal((28L, 0L), (balance.Committed, balance.Pending));
    }

    /// <summary>Checks the projection, rebuilds Redis from it (Redis restarted empty) and compares Redis with the ledger.</summary>
    private async Task StepAsync(QuotaNode node, RedisServer ownRedis, string step, (long, long) lpp, (long, long) country, string[] pendingIds)
    {
        await AssertProjectionAsync(step, lpp, country, pendingIds);
        var rebuilds = node.Recovery.RebuildCount;
        await ownRedis.RestartAsync(keepData: false);
        node.Recovery.Invalidate(node.Recovery.ReadyEpoch);
        await node.Recovery.EnsureReadyAsync(default, TimeSpan.FromSeconds(30));
        Assert.Equal(rebuilds + 1, node.Recovery.RebuildCount);
        var (differences, _) = await node.Engine.CheckConsistencyAsync(default);
        Assert.True(differences.Count == 0, $"{step}: {string.Join("; ", differences)}");
        var balance = await node.Engine.GetBalanceAsync(Lpp, null, default);
        Assert.Equal(lpp, (balance.Committed, balance.Pending));
    }

    /// <summary>
    /// The totals a rebuild reads equal the aggregate over every reservation (and the expected amounts), and the
    /// pending list holds exactly the pending reservations with their tokens and draws in order.
    /// </summary>
    private async Task AssertProjectionAsync(string step, (long Committed, long Pending) lpp, (long Committed, long Pending) country, string[] pendingIds)
    {
        Assert.True(0L == await ScalarAsync<long>($"""
            SELECT count(*) FROM ({LedgerStatements.RebuildTotals}) kept(bucket_id, committed, pending)
            FULL JOIN ({LedgerStatements.Totals}) summed(bucket_id, committed, pending) USING (bucket_id)
            WHERE (kept.committed, kept.pending) IS DISTINCT FROM (summed.committed, summed.pending)
              AND coalesce(summed.committed, 0) + coalesce(summed.pending, 0) + coalesce(kept.committed, 0) + coalesce(kept.pending, 0) <> 0
            """), $"{step}: bucket_totals differ from the reservations");
        Assert.Equal(lpp, await KeptTotalsAsync(Lpp));
        Assert.Equal(country, await KeptTotalsAsync(Country));

        Assert.True(0L == await ScalarAsync<long>($"""
            SELECT count(*) FROM pending_reservations p
            FULL JOIN ({LedgerStatements.SelectReservations} WHERE r.state = {(int)ReservationState.Pending}) AS r(reservation_id, token, state, outcome, fingerprint, expires_at, epoch, created_at, draw_buckets, draw_tpps)
              USING (reservation_id)
            WHERE (p.token, p.fingerprint, p.expires_at, p.draw_buckets, p.draw_tpps) IS DISTINCT FROM (r.token, r.fingerprint, r.expires_at, r.draw_buckets, r.draw_tpps)
            """), $"{step}: pending_reservations differs from the pending reservations");
        var listed = await ScalarAsync<string[]>("SELECT coalesce(array_agg(reservation_id ORDER BY reservation_id), '{}') FROM pending_reservations");
        Assert.Equal(pendingIds, listed);
    }

    private async Task<(long, long)> KeptTotalsAsync(string bucket)
    {
        await using var connection = new NpgsqlConnection(LedgerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(sum(committed), 0)::bigint, coalesce(sum(pending), 0)::bigint FROM bucket_totals WHERE bucket_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = bucket });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(LedgerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
