using Diffusion.Decisions.V1;
using Google.Protobuf.WellKnownTypes;

namespace Diffusion.Decisions.Tests.Scenarios;

/// <summary>
/// The rule changes of 2026, each decided over the running services on both sides of its date: the order's as_of
/// decides which Country Group memberships, statuses and lists apply.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class RuleDataScenarioTests(DiffusionStack stack)
{
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    private static Timestamp Day(int year, int month, int day) => Timestamp.FromDateTimeOffset(new DateTimeOffset(year, month, day, 12, 0, 0, TimeSpan.Zero));

    private DecideRequest Order(string name, string destination, Timestamp asOf, uint quantity = 10, string chip = "NVIDIA H100 SXM") => new()
    {
        OrderId = $"{name}-{run}",
        Exporter = "Acme Servers Inc.",
        DestinationCountry = destination,
        Consignee = new Consignee { Id = $"{name}-consignee-{run}", HeadquartersCountry = destination },
        EndUse = "AI datacenter",
        AsOf = asOf,
        DryRun = true,
        Items = { new OrderItem { KnownChip = chip, Quantity = quantity } },
    };

    // FR Doc 2026-02262: Cambodia no longer in D:5 from 2026-02-03 (it had been since 2021-12-09, 86 FR 70015).
    [Fact]
    public async Task Cambodia_Tier3UntilFebruary2_Tier2LppFromFebruary3()
    {
        var before = await stack.Client.DecideAsync(Order("kh-before", "KH", Day(2026, 2, 2)));
        var after = await stack.Client.DecideAsync(Order("kh-after", "KH", Day(2026, 2, 3)));

        Assert.Equal(DecisionOutcome.PresumptionOfDenial, before.Outcome);
        Assert.Contains(before.Reasons, r => r.Code == "TIER.3" && r.Citation.Contains("2026-02262", StringComparison.Ordinal) && r.Confidence == "S");
        Assert.Equal(DecisionOutcome.LicenseException, after.Outcome);
        Assert.Equal("LPP", after.LicenseException);
        Assert.Contains(after.Reasons, r => r.Code == "TIER.2");
        Assert.All([before, after], d => Assert.Equal("aid-2026", d.RuleSet));
    }

    [Fact]
    public async Task Cambodia_WithoutTheFramework_D5UntilFebruary2_D1LicenceFromFebruary3()
    {
        var before = Order("kh-acr-before", "KH", Day(2026, 2, 2));
        var after = Order("kh-acr-after", "KH", Day(2026, 2, 3));
        before.RuleSet = after.RuleSet = "acr-2026";

        var a = await stack.Client.DecideAsync(before);
        var b = await stack.Client.DecideAsync(after);

        Assert.Equal(DecisionOutcome.PresumptionOfDenial, a.Outcome);
        Assert.Equal(DecisionOutcome.LicenseRequired, b.Outcome);
        Assert.Contains(b.Reasons, r => r.Code == "DESTINATION.LICENCE");
    }
}
