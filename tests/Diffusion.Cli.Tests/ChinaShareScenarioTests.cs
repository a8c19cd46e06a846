using Diffusion.Decisions.V1;
using Diffusion.Quota.V1;
using Diffusion.Testing.Hosts;
using Google.Protobuf.WellKnownTypes;

namespace Diffusion.Cli.Tests;

/// <summary>The scenario tests share one <see cref="DiffusionStack"/> (xunit wants the definition in the test assembly).</summary>
[CollectionDefinition(Name)]
public sealed class CliStackCollection : ICollectionFixture<DiffusionStack>
{
    public const string Name = "cli diffusion stack";
}

/// <summary>
/// An H200-class order to China under the 2026 band (91 FR 1684), end to end: an officer records the exporter's US
/// shipments with <c>diffusion quota us-shipments</c> (Quota's SetAllocation over gRPC), and Decisions reserves the
/// order's China share (its TPP / 50 %) with real Redis and PostgreSQL behind Quota. With headroom the order is
/// reviewed case by case with its reservation; without it the certification cannot be made and it keeps the
/// presumption of denial.
/// </summary>
[Collection(CliStackCollection.Name)]
public sealed class ChinaShareScenarioTests(DiffusionStack stack)
{
    private const long H200Tpp = 15_832;
    private static readonly Timestamp March2026 = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    private string Exporter => $"Scenario Servers {run}";

    private string Bucket => $"china-share/scenario-servers-{run}/nvidia-h200-sxm";

    private DecideRequest Order(string name, uint quantity) => new()
    {
        OrderId = $"{name}-{run}",
        Exporter = Exporter,
        DestinationCountry = "CN",
        Consignee = new Consignee { Id = $"cn-buyer-{run}", HeadquartersCountry = "CN" },
        EndUse = "AI datacenter",
        AsOf = March2026,
        RuleSet = "aid-2026",
        Items = { new OrderItem { KnownChip = "NVIDIA H200 SXM", Quantity = quantity } },
    };

    private Task<CliRun> RecordUsShipments(long units) => CliRun.RunAsync(
    [
        "quota", "us-shipments", "--exporter", Exporter, "--product", "NVIDIA H200 SXM",
        "--units", units.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tpp-each", H200Tpp.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--endpoint", stack.Quota.Address.ToString(),
    ]);

    [Fact]
    public async Task H200ToChina_WithAndWithoutTheFiftyPercentHeadroom()
    {
        // Before any US shipments are recorded the share is not counted: case by case, nothing drawn.
        var unrecorded = await stack.Client.DecideAsync(Order("unrecorded", 10));
        Assert.Equal(DecisionOutcome.LicenseRequired, unrecorded.Outcome);
        Assert.Empty(unrecorded.Draws);
        Assert.Contains(unrecorded.Reasons, r => r.Code == "CASE_BY_CASE.SHARE_NOT_RECORDED");

        // 30 units shipped to US end users: China/Macau may take 15.
        var recorded = await RecordUsShipments(30);
        Assert.True(recorded.ExitCode == 0, recorded.Error);
        var cap = await stack.QuotaClient.GetBalanceAsync(new GetBalanceRequest { BucketId = Bucket });
        Assert.Equal(30 * H200Tpp, cap.Cap);

        var within = await stack.Client.DecideAsync(Order("within", 10));
        Assert.Equal(DecisionOutcome.LicenseRequired, within.Outcome);
        Assert.Equal("case-by-case, with conditions", within.ReviewPolicy);
        Assert.NotEmpty(within.ReservationId);
        var draw = Assert.Single(within.Draws);
        Assert.Equal((Bucket, 2 * 10 * H200Tpp), (draw.BucketId, draw.Tpp));
        Assert.Equal(6, within.Reasons.Count(r => r.Code == "CASE_BY_CASE.CERTIFICATION" && r.Confidence == "S"));

        // 10 more would make 20 of 30: beyond 50 %. Nothing is reserved and the band does not apply.
        var beyond = await stack.Client.DecideAsync(Order("beyond", 10));
        Assert.Equal(DecisionOutcome.PresumptionOfDenial, beyond.Outcome);
        Assert.Empty(beyond.ReservationId);
        Assert.False(beyond.AllocationAvailable);
        Assert.Contains(beyond.Reasons, r => r.Code == "CASE_BY_CASE.SHARE_EXCEEDED");

        // Exactly the rest (5 units: 15 of 30) still fits.
        var rest = await stack.Client.DecideAsync(Order("rest", 5));
        Assert.Equal(DecisionOutcome.LicenseRequired, rest.Outcome);
        Assert.Equal(2 * 5 * H200Tpp, Assert.Single(rest.Draws).Tpp);
        var full = await stack.QuotaClient.GetBalanceAsync(new GetBalanceRequest { BucketId = Bucket });
        Assert.Equal((30 * H200Tpp, 0L), (full.Pending, full.Available));

        // More US shipments raise the share; a total below what China orders hold is refused and changes nothing.
        Assert.Equal(1, (await RecordUsShipments(20)).ExitCode);
        Assert.Equal(0, (await RecordUsShipments(40)).ExitCode);
        var after = await stack.Client.DecideAsync(Order("after", 5));
        Assert.Equal(DecisionOutcome.LicenseRequired, after.Outcome);
        Assert.Single(after.Draws);
    }

    [Fact]
    public async Task UsShipments_BadInput_ExitsTwoNamingTheOption()
    {
        var run = await CliRun.RunAsync(["quota", "us-shipments", "--exporter", "!!!", "--product", "H200", "--units", "1", "--tpp-each", "1", "--endpoint", stack.Quota.Address.ToString()]);
        var zero = await CliRun.RunAsync(["quota", "us-shipments", "--exporter", "acme", "--product", "H200", "--units", "0", "--tpp-each", "1", "--endpoint", stack.Quota.Address.ToString()]);

        Assert.Equal((2, 2), (run.ExitCode, zero.ExitCode));
        Assert.Contains("--exporter", run.Error, StringComparison.Ordinal);
        Assert.Contains("--units", zero.Error, StringComparison.Ordinal);
    }
}
