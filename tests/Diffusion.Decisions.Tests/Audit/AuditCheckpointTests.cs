using Diffusion.Decisions.V1;
using Diffusion.Storage.Audit;
using Google.Protobuf.WellKnownTypes;
using Npgsql;

namespace Diffusion.Decisions.Tests.Audit;

/// <summary>
/// Decisions signs the audit trail's head on a schedule with its checkpoint key (configuration, not the database): the
/// checkpoints verify with the key's public half and not with another key; a key that is not P-256 stops the service
/// at start naming the setting.
/// </summary>
[Collection(Scenarios.StackCollection.Name)]
public sealed class AuditCheckpointTests(DiffusionStack stack)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task HeadSignedOnASchedule_VerifiesWithThePublicKey_NotWithAnother()
    {
        using var key = AuditKeys.Create();
        using var other = AuditKeys.Create();
        await using var signing = await stack.StartDecisionsAsync(new Dictionary<string, Uri>(), settings: new Dictionary<string, string?>
        {
            ["Audit:CheckpointKey"] = AuditKeys.ExportPrivate(key),
            ["Audit:CheckpointInterval"] = "00:00:00.200",
        });
        var order = new DecideRequest
        {
            OrderId = $"checkpointed-{Guid.NewGuid():N}",
            DestinationCountry = "CN",
            Consignee = new Consignee { Id = "checkpointed", HeadquartersCountry = "CN" },
            AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)),
            Items = { new OrderItem { KnownChip = "NVIDIA H100 SXM", Quantity = 1 } },
        };

        await new DecisionService.DecisionServiceClient(signing.Channel).DecideAsync(order);

        await using var dataSource = NpgsqlDataSource.Create(stack.AuditLedger);
        var row = Assert.Single(await RowsAsync(dataSource, new AuditFilter(SubjectPrefix: order.OrderId)));
        var deadline = DateTime.UtcNow + Patience;
        IReadOnlyList<AuditCheckpoint> checkpoints;
        while (!(checkpoints = await AuditLog.CheckpointsAsync(dataSource, CancellationToken.None)).Any(c => c.Seq >= row.Seq && c.KeyId == AuditKeys.KeyId(key)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no checkpoint of row {row.Seq} or later within {Patience}");
            await Task.Delay(100);
        }

        // Other tests' hosts sign nothing; every checkpoint in this trail is this key's.
        var rows = await RowsAsync(dataSource, null);
        Assert.All(checkpoints, c => Assert.Equal(AuditKeys.KeyId(key), c.KeyId));
        Assert.Null(AuditChain.Verify(rows, checkpoints, key));
        Assert.Contains("has a signature the checkpoint key did not make", AuditChain.Verify(rows, checkpoints, other), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyThatIsNotP256_ServiceStopsAtStart_NamingTheSetting()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => stack.StartDecisionsAsync(new Dictionary<string, Uri>(), settings: new Dictionary<string, string?>
        {
            ["Audit:CheckpointKey"] = Convert.ToBase64String(rsa.ExportPkcs8PrivateKey()),
        }));

        Assert.Contains("Audit:CheckpointKey", e.ToString(), StringComparison.Ordinal);
    }

    private static async Task<List<AuditEntry>> RowsAsync(NpgsqlDataSource dataSource, AuditFilter? filter)
    {
        var rows = new List<AuditEntry>();
        await foreach (var row in AuditLog.ReadAsync(dataSource, filter))
        {
            rows.Add(row);
        }

        return rows;
    }
}
