using System.Text.Json;
using Diffusion.ServiceDefaults.Security;
using Diffusion.Testing.Auth;
using Diffusion.Testing.Hosts;
using Npgsql;

namespace Diffusion.Cli.Tests;

/// <summary>
/// Decisions, confirmations and cancellations on the audit trail, end to end: orders decided, confirmed and cancelled
/// with the CLI against the real services (Quota on Redis and PostgreSQL) show in <c>diffusion audit list</c> with the
/// token's subject as actor, and a decision row changed in PostgreSQL is caught by <c>diffusion audit verify</c>.
/// </summary>
[Collection(CliStackCollection.Name)]
public sealed class DecisionAuditCommandTests(DiffusionStack stack) : IDisposable
{
    private readonly string run = Guid.NewGuid().ToString("N")[..8];
    private readonly string folder = Directory.CreateTempSubdirectory("diffusion-audit-orders-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task DecideConfirmCancel_AreListed_WithTheTokensSubject_AndTamperingIsCaught()
    {
        var clerk = $"clerk-{run}";
        var shipped = await Cli(clerk, "decide", OrderFile("shipped"), "--endpoint", stack.Decisions.Address.ToString());
        var confirmed = await Cli(clerk, "confirm", $"audit-{run}-shipped", "--endpoint", stack.Decisions.Address.ToString());
        var called = await Cli(clerk, "decide", OrderFile("called-off"), "--endpoint", stack.Decisions.Address.ToString());
        var cancelled = await Cli(clerk, "cancel", $"audit-{run}-called-off", "--endpoint", stack.Decisions.Address.ToString());
        var dryRun = await Cli(clerk, "decide", OrderFile("dry"), "--dry-run", "--endpoint", stack.Decisions.Address.ToString());
        Assert.All(new[] { shipped, confirmed, called, cancelled, dryRun }, r => Assert.True(r.ExitCode == 0, r.Output + r.Error));

        var list = await Cli(clerk, "audit", "list", "--subject", $"audit-{run}-", "--json", "--ledger", stack.AuditLedger);

        Assert.True(list.ExitCode == 0, list.Error);
        var rows = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(
            [("order.decided", $"audit-{run}-shipped"), ("order.confirmed", $"audit-{run}-shipped"), ("order.decided", $"audit-{run}-called-off"), ("order.cancelled", $"audit-{run}-called-off")],
            rows.Select(r => (r.GetProperty("kind").GetString(), r.GetProperty("subject").GetString())));
        Assert.All(rows, r => Assert.Equal(clerk, r.GetProperty("actor").GetString()));
        var decided = JsonDocument.Parse(rows[0].GetProperty("details").GetString()!).RootElement;
        Assert.Equal("LicenseException", decided.GetProperty("outcome").GetString());
        Assert.Equal("LPP", decided.GetProperty("license_exception").GetString());
        // Decisions names an order's reservation order/<order id>/<round> (Composition/ReservationIds.cs).
        Assert.StartsWith($"order/audit-{run}-shipped/", decided.GetProperty("reservation_id").GetString(), StringComparison.Ordinal);
        var draw = Assert.Single(decided.GetProperty("draws").EnumerateArray().ToList());
        Assert.Equal($"lpp/audit-{run}-shipped/2026", draw.GetProperty("bucket_id").GetString());
        Assert.True(draw.GetProperty("tpp").GetInt64() > 0);
        Assert.Equal("Committed", JsonDocument.Parse(rows[1].GetProperty("details").GetString()!).RootElement.GetProperty("state").GetString());
        Assert.Equal("Released", JsonDocument.Parse(rows[3].GetProperty("details").GetString()!).RootElement.GetProperty("state").GetString());

        // The decision row rewritten in PostgreSQL (as if it had been denied): verify names it. Put back, the trail is whole again.
        var seq = rows[0].GetProperty("seq").GetInt64();
        var original = rows[0].GetProperty("details").GetString()!;
        await ExecuteAsync("UPDATE audit.events SET details = replace(details, 'LicenseException', 'PresumptionOfDenial') WHERE seq = $1", seq);
        CliRun tampered;
        try
        {
            tampered = await Cli(clerk, "audit", "verify", "--ledger", stack.AuditLedger);
        }
        finally
        {
            await ExecuteAsync("UPDATE audit.events SET details = $2 WHERE seq = $1", seq, original);
        }

        var whole = await Cli(clerk, "audit", "verify", "--ledger", stack.AuditLedger);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains($"row {seq} was changed", tampered.Output, StringComparison.Ordinal);
        Assert.True(whole.ExitCode == 0, whole.Output);
    }

    private static Task<CliRun> Cli(string subject, params string[] args) =>
        CliRun.RunAsync(args, new Dictionary<string, string?> { [BearerTokens.TokenVariable] = TestTokens.AllRoles(subject) });

    // 8 H100 to a Tier 2 consignee of its own: within the LPP allowance, reserved against its consignee-year bucket.
    private string OrderFile(string name)
    {
        var path = Path.Combine(folder, name + ".json");
        File.WriteAllText(path, $$"""
            {"order_id":"audit-{{run}}-{{name}}","exporter":"Audit Servers","destination_country":"AE",
             "consignee":{"id":"audit-{{run}}-{{name}}","headquarters_country":"AE"},"as_of":"2026-03-01T00:00:00Z",
             "items":[{"known_chip":"NVIDIA H100 SXM","quantity":8}]}
            """);
        return path;
    }

    private async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var dataSource = NpgsqlDataSource.Create(stack.AuditLedger);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
