using Diffusion.Storage.Migrations;
using Diffusion.Testing.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Diffusion.Storage.Tests.Migrations;

/// <summary>The shared runner against a real PostgreSQL server, one fresh database per test.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SchemaMigratorTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly Migration Accounts = Migration.FromFile("0001_accounts.sql", "CREATE TABLE s.accounts (id int PRIMARY KEY);");
    private static readonly Migration Ledger = Migration.FromFile("0002_ledger.sql", "CREATE TABLE s.ledger (id int PRIMARY KEY);");
    private NpgsqlDataSource dataSource = null!;

    public async Task InitializeAsync() => dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());

    public async Task DisposeAsync() => await dataSource.DisposeAsync();

    [Fact]
    public async Task Apply_ThenAgainWithOneMore_AppliesOnlyWhatIsMissing()
    {
        Assert.Equal(1, await Apply(new MigrationSet("s", [Accounts])));
        Assert.Equal(1, await Apply(new MigrationSet("s", [Accounts, Ledger])));
        Assert.Equal(0, await Apply(new MigrationSet("s", [Accounts, Ledger])));

        Assert.Equal(["1 accounts", "2 ledger"], await Journal("s"));
    }

    [Fact]
    public async Task Apply_ManyAtOnce_EachMigrationAppliedOnce()
    {
        var set = new MigrationSet("s", [Accounts, Ledger]);

        var counts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Apply(set)));

        Assert.Equal(2, counts.Sum());
        Assert.Equal(["1 accounts", "2 ledger"], await Journal("s"));
    }

    // All or nothing (EndUsers' convention; Quota's runner committed each migration apart, which kept 0001 here):
    // a service must not start on a schema half-way between two versions.
    [Fact]
    public async Task Apply_OneMigrationFails_NothingAppliedAndTheFileNamed()
    {
        var broken = Migration.FromFile("0003_broken.sql", "CREATE TABLE s.broken (id int REFERENCES s.nowhere (id));");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Apply(new MigrationSet("s", [Accounts, Ledger, broken])));

        Assert.Contains("0003_broken.sql", e.Message, StringComparison.Ordinal);
        Assert.Contains("nowhere", e.Message, StringComparison.Ordinal);
        await using var tables = dataSource.CreateCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 's'");
        Assert.Equal(0L, await tables.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Apply_TwoSchemas_KeepTheirOwnJournals()
    {
        await Apply(new MigrationSet("s", [Accounts]));
        await Apply(new MigrationSet("t", [Migration.FromFile("0001_other.sql", "CREATE TABLE t.other (id int);")]));

        Assert.Equal(["1 accounts"], await Journal("s"));
        Assert.Equal(["1 other"], await Journal("t"));
    }

    [Fact]
    public async Task Apply_Prologue_RunsBeforeTheJournalIsRead()
    {
        // A prologue that records version 1 as applied (as a carried-over older journal would): 0001 is not run again.
        var set = new MigrationSet("s", [Accounts, Ledger], "INSERT INTO s.schema_version (version, name) VALUES (1, 'accounts') ON CONFLICT DO NOTHING;");

        Assert.Equal(1, await Apply(set));

        await using var accounts = dataSource.CreateCommand("SELECT to_regclass('s.accounts') IS NULL");
        Assert.Equal(true, await accounts.ExecuteScalarAsync());
    }

    private Task<int> Apply(MigrationSet set) => SchemaMigrator.ApplyAsync(dataSource, set, NullLogger.Instance, CancellationToken.None);

    private async Task<List<string>> Journal(string schema)
    {
        await using var command = dataSource.CreateCommand($"SELECT version || ' ' || name FROM {schema}.schema_version ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
