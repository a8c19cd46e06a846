using System.Text.Json;
using Diffusion.Quota.V1;
using Diffusion.Testing.Hosts;
using Xunit.Abstractions;

namespace Diffusion.Cli.Tests;

/// <summary>
/// Granted licences, end to end (issue 14): an officer records one with <c>diffusion licence record</c> (EndUsers'
/// LicenceService, then Quota's SetAllocation on <c>licence/&lt;number&gt;</c>), and <c>diffusion licence list</c>
/// shows what remains as Quota holds it, after a reservation against the bucket and its commit.
/// </summary>
[Collection(CliStackCollection.Name)]
public sealed class LicenceScenarioTests(DiffusionStack stack, ITestOutputHelper output)
{
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    private Dictionary<string, string?> Services => new()
    {
        ["services:endusers:grpc:0"] = stack.EndUsers.Address.ToString(),
        ["services:quota:grpc:0"] = stack.Quota.Address.ToString(),
    };

    private string[] Record(string number, string destination = "MY", string until = "2027-01-15", string tpp = "1000000") =>
    [
        "licence", "record", number, "--exporter", "Scenario Servers", "--consignee", $"kl-cloud-{run}", "--consignee-name", "Kuala Lumpur Cloud Sdn Bhd",
        "--destination", destination, "--eccn", "3A090.a", "--item", "NVIDIA H100 SXM", "--tpp", tpp, "--value-usd", "2500000",
        "--valid-from", "2026-01-15", "--valid-until", until, "--condition", "no reexport without BIS authorisation", "--json",
    ];

    [Fact]
    public async Task Record_ThenList_RemainingFollowsQuotasReservations()
    {
        var number = $"D{run}";
        var recorded = await CliRun.RunAsync(Record(number), Services);
        var again = await CliRun.RunAsync(Record(number), Services);
        var otherTerms = await CliRun.RunAsync(Record(number, tpp: "2000000"), Services);

        Assert.True(recorded.ExitCode == 0, recorded.Error);
        using (var licence = JsonDocument.Parse(recorded.Output))
        {
            Assert.Equal($"licence/{number}", licence.RootElement.GetProperty("bucket_id").GetString());
            Assert.Equal("test-user", licence.RootElement.GetProperty("recorded_by").GetString());
            Assert.Equal("1000000", licence.RootElement.GetProperty("balance").GetProperty("cap").GetString());
        }

        Assert.True(again.ExitCode == 0, again.Error);           // the same licence again: nothing changes
        Assert.NotEqual(0, otherTerms.ExitCode);                 // a number is never reused for other terms
        Assert.Contains("already recorded with other terms", otherTerms.Error, StringComparison.Ordinal);

        // A shipment reserves 600,000 TPP of it through Quota, and ships (commit).
        var reservation = $"licence-scenario-{run}";
        var reserved = await stack.QuotaClient.ReserveAsync(new ReserveRequest
        {
            ReservationId = reservation,
            TtlSeconds = 600,
            Draws = { new Draw { BucketId = $"licence/{number}", Tpp = 600_000 } },
        });
        Assert.Equal(ReserveOutcome.Reserved, reserved.Outcome);
        await stack.QuotaClient.CommitAsync(new CommitRequest { ReservationId = reservation });
        var beyond = await stack.QuotaClient.ReserveAsync(new ReserveRequest
        {
            ReservationId = $"{reservation}-beyond",
            TtlSeconds = 600,
            Draws = { new Draw { BucketId = $"licence/{number}", Tpp = 400_001 } },
        });

        var listed = await CliRun.RunAsync(["licence", "list", "--consignee", $"kl-cloud-{run}", "--json"], Services);
        var table = await CliRun.RunAsync(["licence", "list", "--consignee", $"kl-cloud-{run}"], Services);

        Assert.Equal(ReserveOutcome.Insufficient, beyond.Outcome);
        Assert.True(listed.ExitCode == 0, listed.Error);
        using var list = JsonDocument.Parse(listed.Output);
        var only = Assert.Single(list.RootElement.GetProperty("licences").EnumerateArray());
        Assert.Equal(number, only.GetProperty("number").GetString());
        Assert.Equal("400000", only.GetProperty("balance").GetProperty("available").GetString());
        Assert.Equal("600000", only.GetProperty("balance").GetProperty("committed").GetString());
        Assert.Matches(@"│ 1,000,000 TPP\s*│ 400,000\s*│ 600,000\s*│ 0\s*│", table.Output);  // granted, remaining, shipped, reserved
        Assert.Contains("2026-01-15 to 2027-01-15", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_AnOrderTheLicenceCovers_AuthorisedUnderIt_TableAndJson()
    {
        var number = $"U{run}";
        var consignee = $"kl-cloud-{run}";
        await stack.QuotaClient.SetAllocationAsync(new SetAllocationRequest { BucketId = $"lpp/{consignee}/2026", Cap = 0, Reason = "test: LPP used up, so the order needs a licence" });
        var recorded = await CliRun.RunAsync([.. Record(number).Where(a => a != "--json"), "--rule-set", "aid-2026"], Services);
        var order = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(order, $$"""{"order_id":"lic-cli-{{run}}","exporter":"Scenario Servers","destination_country":"MY","consignee":{"id":"{{consignee}}","headquarters_country":"MY"},"as_of":"2026-03-01T00:00:00Z","rule_set":"aid-2026","items":[{"known_chip":"NVIDIA H100 SXM","quantity":8}]}""");
            var services = new Dictionary<string, string?>(Services) { ["services:decisions:grpc:0"] = stack.Decisions.Address.ToString() };
            var table = await CliRun.RunAsync(["decide", order, "--dry-run"], services);
            var json = await CliRun.RunAsync(["decide", order, "--json"], services);
            var listed = await CliRun.RunAsync(["licence", "list", "--consignee", consignee], Services);
            output.WriteLine($"{recorded.Output}\n{table.Output}\n{json.Output}\n{listed.Output}");

            Assert.True(recorded.ExitCode == 0, recorded.Error);
            Assert.Contains("LICENCE.GRANT_DRAWS_ALLOCATION", recorded.Output, StringComparison.Ordinal);
            Assert.True(table.ExitCode == 0, table.Error);
            Assert.Contains($"authorised under licence {number}", table.Output, StringComparison.Ordinal);
            Assert.Contains("LICENCE.COVERS", table.Output, StringComparison.Ordinal);
            using var decision = JsonDocument.Parse(json.Output);
            Assert.Equal("DECISION_OUTCOME_UNDER_LICENSE", decision.RootElement.GetProperty("outcome").GetString());
            Assert.Equal(number, decision.RootElement.GetProperty("licences")[0].GetString());
            Assert.Equal($"licence/{number}", decision.RootElement.GetProperty("draws")[0].GetProperty("bucket_id").GetString());
            Assert.Matches(@"│ 1,000,000 TPP\s*│ 873,344\s*│ 0\s*│ 126,656\s*│", listed.Output);  // 8 H100 reserved
        }
        finally
        {
            File.Delete(order);
        }
    }

    [Theory]
    [InlineData("ZZ", "2027-01-15", "licence.destination_country")]
    [InlineData("MY", "2025-01-15", "licence.valid_until")]
    public async Task Record_BadField_InvalidArgumentNamingIt_NothingRecorded(string destination, string until, string field)
    {
        var number = $"B{run}";
        var bad = await CliRun.RunAsync(Record(number, destination, until), Services);
        var listed = await CliRun.RunAsync(["licence", "list", "--consignee", $"kl-cloud-{run}", "--json"], Services);

        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("InvalidArgument", bad.Error, StringComparison.Ordinal);
        Assert.Contains(field, bad.Error, StringComparison.Ordinal);
        using var list = JsonDocument.Parse(listed.Output);
        Assert.Empty(list.RootElement.GetProperty("licences").EnumerateArray());
    }
}
