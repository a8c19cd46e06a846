using Diffusion.Quota.Reservations;
using Npgsql;

namespace Diffusion.Quota.Tests.Infrastructure;

/// <summary>Per test: a fresh ledger database and Redis key prefix on the shared servers.</summary>
public abstract class QuotaTestBase(RedisFixture redis, PostgresFixture postgres) : IAsyncLifetime
{
    private readonly List<QuotaNode> nodes = [];

    protected RedisFixture Redis { get; } = redis;

    protected PostgresFixture Postgres { get; } = postgres;

    protected string LedgerConnectionString { get; private set; } = "";

    protected string Prefix { get; } = $"t{Guid.NewGuid():N}"[..12] + ":";

    public async Task InitializeAsync() => LedgerConnectionString = await Postgres.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }

    // Short sweep and grace periods so that expiry and orphan recovery happen within a test.
    internal Dictionary<string, string?> Settings(string? redisConnection = null) =>
        new(QuotaNode.Settings(redisConnection ?? Redis.ConnectionString, LedgerConnectionString, Prefix))
        {
            ["Quota:DefaultRuleSet"] = "aid-2026",
            ["Quota:ReadyWaitMilliseconds"] = "3000",
            ["Quota:SweepIntervalMilliseconds"] = "100",
            ["Quota:OrphanGraceSeconds"] = "2",
        };

    internal async Task<QuotaNode> StartNodeAsync(Dictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var node = await QuotaNode.StartAsync(settings ?? Settings(), time);
        nodes.Add(node);
        return node;
    }

    internal void Forget(QuotaNode node) => nodes.Remove(node);

    internal async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(LedgerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    internal static ReserveCommand Reserve(string id, params (string Bucket, long Tpp)[] draws) =>
        new(id, [.. draws.Select(d => new Draw(d.Bucket, d.Tpp))], null, null);

    internal static ReserveCommand Reserve(string id, TimeSpan ttl, params (string Bucket, long Tpp)[] draws) =>
        new(id, [.. draws.Select(d => new Draw(d.Bucket, d.Tpp))], ttl, null);
}
