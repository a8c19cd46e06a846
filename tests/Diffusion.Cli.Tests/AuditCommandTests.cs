using System.Security.Cryptography;
using Diffusion.Storage.Audit;
using Diffusion.Storage.Migrations;
using Diffusion.Testing.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Diffusion.Cli.Tests;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

/// <summary>
/// <c>diffusion audit</c> against a real PostgreSQL: a trail appended through <see cref="AuditLog"/> and checkpointed
/// verifies; the same trail with a row changed, deleted or reordered directly in PostgreSQL (or a checkpoint forged)
/// makes <c>audit verify</c> exit 1 naming the first row concerned.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AuditCommandTests(PostgresFixture postgres) : IDisposable
{
    private readonly string _keys = Directory.CreateTempSubdirectory("diffusion-audit-keys-").FullName;

    public void Dispose() => Directory.Delete(_keys, recursive: true);

    [Fact]
    public async Task Verify_WholeTrail_ExitsZero_AndListFilters()
    {
        var (ledger, publicKey) = await TrailAsync(rows: 6, checkpointAfter: [3, 6]);

        var verify = await Audit(ledger, "verify", "--public-key", publicKey);
        var list = await Audit(ledger, "list", "--actor", "officer-2", "--json");

        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("audit trail whole: 6 rows, 2 checkpoints with valid signatures", verify.Output, StringComparison.Ordinal);
        Assert.Equal(0, list.ExitCode);
        var lines = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, line => Assert.Contains("\"actor\":\"officer-2\"", line, StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string> Tampering() => new()
    {
        // what was done in PostgreSQL, the SQL, what verify must say
        { "a cap changed", "UPDATE audit.events SET details = replace(details, '3000', '9000') WHERE seq = 3", "row 3 was changed" },
        { "the actor rewritten", "UPDATE audit.events SET actor = 'someone-else' WHERE seq = 2", "row 2 was changed" },
        { "a row deleted", "DELETE FROM audit.events WHERE seq = 4", "row 4 is missing" },
        { "the newest rows deleted", "DELETE FROM audit.events WHERE seq >= 5", "row 6 is missing" },
        { "two rows swapped", "UPDATE audit.events SET seq = 100 WHERE seq = 2; UPDATE audit.events SET seq = 2 WHERE seq = 3; UPDATE audit.events SET seq = 3 WHERE seq = 100", "row 2 does not follow row 1" },
        { "a row's hash overwritten", "UPDATE audit.events SET hash = decode(repeat('00', 32), 'hex') WHERE seq = 2", "row 2 was changed" },
        { "a row inserted at the end without the chain", "INSERT INTO audit.events SELECT 7, at, actor, kind, subject, details, prev_hash, hash FROM audit.events WHERE seq = 6", "row 7 does not follow row 6" },
        { "a checkpoint forged", "UPDATE audit.checkpoints SET signature = decode(repeat('01', 64), 'hex') WHERE seq = 3", "checkpoint at row 3 has a signature" },
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Verify_TamperedInPostgres_ExitsOneNamingTheRow(string what, string sql, string expected)
    {
        var (ledger, publicKey) = await TrailAsync(rows: 6, checkpointAfter: [3, 6]);
        await using (var dataSource = NpgsqlDataSource.Create(ledger))
        {
            await using var command = dataSource.CreateCommand(sql);
            Assert.True(await command.ExecuteNonQueryAsync() > 0, what);
        }

        var verify = await Audit(ledger, "verify", "--public-key", publicKey);

        Assert.Equal(1, verify.ExitCode);
        Assert.Contains(expected, verify.Output, StringComparison.Ordinal);
    }

    private static Task<CliRun> Audit(string ledger, params string[] args) => CliRun.RunAsync(["audit", .. args, "--ledger", ledger]);

    /// <summary>A fresh ledger with <paramref name="rows"/> audit rows, checkpointed after the given rows; returns its connection string and the public key file.</summary>
    private async Task<(string Ledger, string PublicKey)> TrailAsync(int rows, int[] checkpointAfter)
    {
        var ledger = await postgres.CreateDatabaseAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var privateFile = Path.Combine(_keys, $"{Guid.NewGuid():N}.pem");
        var publicFile = privateFile + ".pub";
        await File.WriteAllTextAsync(privateFile, key.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(publicFile, key.ExportSubjectPublicKeyInfoPem());
        await using var dataSource = NpgsqlDataSource.Create(ledger);
        await SchemaMigrator.ApplyAsync(dataSource, AuditLog.Migrations, NullLogger.Instance, CancellationToken.None);
        var at = new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero).AddTicks(1234567);
        for (var i = 1; i <= rows; i++)
        {
            await AuditLog.AppendAsync(dataSource, new AuditRecord(at.AddMinutes(i), $"officer-{1 + (i % 2)}", AuditKinds.CapSet, $"country/AE/{i}", $$"""{"new_cap":{{i * 1000}}}"""), CancellationToken.None);
            if (checkpointAfter.Contains(i))
            {
                Assert.Equal(0, (await CliRun.RunAsync(["audit", "checkpoint", "--key", privateFile, "--ledger", ledger])).ExitCode);
            }
        }

        return (ledger, publicFile);
    }
}
