using Diffusion.Decisions.Tests.Service;
using Diffusion.Decisions.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

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

    // The 2025 framework is on the books but not enforced (BIS 2025-05-13; GAO B-337935): each decision names its posture.
    [Fact]
    public async Task EveryDecision_SaysWhichPostureItTookTowardThe2025Framework()
    {
        await using var notEnforcing = await DecisionsHost.StartAsync(stack.Addresses, new Dictionary<string, string?> { ["Rules:EnforceAiDiffusion2025"] = "false" });

        var asWritten = await stack.Client.DecideAsync(Order("posture-1", "AE", Day(2026, 3, 1)));
        var asEnforced = await DecisionsHost.Client(notEnforcing).DecideAsync(Order("posture-2", "AE", Day(2026, 3, 1)));

        Assert.Equal("as-written", asWritten.EnforcementPosture);
        Assert.Equal("aid-2026", asWritten.RuleSet);
        Assert.Equal("RULESET.POSTURE", asWritten.Reasons[0].Code);
        Assert.Contains("Rules:EnforceAiDiffusion2025=true", asWritten.Reasons[0].Message, StringComparison.Ordinal);
        Assert.Equal("as-enforced", asEnforced.EnforcementPosture);
        Assert.Equal("acr-2026", asEnforced.RuleSet);
        Assert.Contains("B-337935", asEnforced.Reasons[0].Citation, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.LicenseRequired, asEnforced.Outcome);
    }

    [Fact]
    public async Task DescribeRules_GroupsAndStatusesOnTheDay()
    {
        var february2 = await stack.Client.DescribeRulesAsync(new DescribeRulesRequest { RuleSet = "aid-2026", AsOf = Day(2026, 2, 2) });
        var july10 = await stack.Client.DescribeRulesAsync(new DescribeRulesRequest { AsOf = Day(2026, 7, 10) });

        static IEnumerable<string> Members(DescribeRulesResponse r, string group) => r.CountryGroups.Single(g => g.Name == group).Members.Select(m => m.Country);
        Assert.Equal("2026-02-02", february2.AsOf);
        Assert.Contains("KH", Members(february2, "D:5"));
        Assert.DoesNotContain("KH", Members(july10, "D:5"));
        Assert.Contains("AE", Members(february2, "D:4"));
        Assert.DoesNotContain("AE", Members(july10, "D:4"));
        Assert.Equal(["AE"], Members(july10, "A:5"));
        Assert.Equal("R-abs", july10.CountryGroups.Single(g => g.Name == "A:5").Members[0].Confidence);
        Assert.Equal("aid-2026", july10.RuleSet);
        Assert.Contains(july10.Statuses, f => f.Name == "status 2026-05-12" && f.Citation.Contains("B-337935", StringComparison.Ordinal));
        Assert.DoesNotContain(february2.Statuses, f => f.Name == "status 2026-05-12");
        Assert.All(july10.Statuses, f => Assert.NotEmpty(f.Citation));
    }

    [Theory]
    [InlineData("no-such-set", 0L, "rule_set: unknown rule set")]
    [InlineData("aid-2026", 253402300800L, "as_of: is not a valid timestamp")]
    public async Task DescribeRules_BadInput_InvalidArgumentNamingTheField(string ruleSet, long seconds, string message)
    {
        var request = new DescribeRulesRequest { RuleSet = ruleSet, AsOf = seconds == 0 ? null : new Timestamp { Seconds = seconds } };

        var e = await Assert.ThrowsAsync<RpcException>(() => stack.Client.DescribeRulesAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith(message, e.Status.Detail, StringComparison.Ordinal);
    }
}
