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
        await using var notEnforcing = await DecisionsHost.StartAsync(stack.Addresses, stack.AuditLedger, new Dictionary<string, string?> { ["Rules:EnforceAiDiffusion2025"] = "false" });

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

    private DecideRequest UaeOrder(string name, Timestamp asOf, string consigneeName, string parentName = "", string parentHq = "", bool government = false)
    {
        var order = Order(name, "AE", asOf);
        order.Consignee.Name = consigneeName;
        order.Consignee.ParentName = parentName;
        order.Consignee.ParentHeadquartersCountry = parentHq;
        order.Consignee.Government = government;
        order.RuleSet = "acr-2026";
        return order;
    }

    // 91 FR 43034: the UAE moves to A:5 on 2026-07-10; its Government and approved entities need no licence, G42 and
    // Core42 until 2027-04-06, UAE subsidiaries of listed US companies by their parent; everyone else still does.
    [Theory]
    [InlineData("uae-g42-before", 2026, 7, 9, "G42", "", "", false, DecisionOutcome.LicenseRequired)]
    [InlineData("uae-g42-after", 2026, 7, 10, "G42", "", "", false, DecisionOutcome.NoLicenseRequired)]
    [InlineData("uae-g42-lapsed", 2027, 4, 6, "G42", "", "", false, DecisionOutcome.LicenseRequired)]
    [InlineData("uae-gov-before", 2026, 7, 9, "Ministry of Interior", "", "", true, DecisionOutcome.LicenseRequired)]
    [InlineData("uae-gov-after", 2026, 7, 10, "Ministry of Interior", "", "", true, DecisionOutcome.NoLicenseRequired)]
    [InlineData("uae-other-after", 2026, 7, 10, "Gulf Compute LLC", "", "", false, DecisionOutcome.LicenseRequired)]
    [InlineData("uae-sub-after", 2026, 7, 10, "Oracle Emirates FZ-LLC", "Oracle Corporation", "US", false, DecisionOutcome.NoLicenseRequired)]
    public async Task Uae_ApprovedConsigneesOnEitherSideOfTheDates(string name, int year, int month, int day, string consignee, string parent, string parentHq, bool government, DecisionOutcome outcome)
    {
        var decision = await stack.Client.DecideAsync(UaeOrder(name, Day(year, month, day), consignee, parent, parentHq, government));

        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(outcome == DecisionOutcome.NoLicenseRequired, decision.NoLicenseBasis.Contains("91 FR 43034", StringComparison.Ordinal));
        Assert.Equal(outcome == DecisionOutcome.NoLicenseRequired, decision.Items[0].NoLicenseBasis.Length > 0);
    }

    private DecideRequest OwnedOrder(string name, Timestamp asOf, double? share)
    {
        var order = Order(name, "DE", asOf);
        order.RuleSet = asOf.ToDateTimeOffset().Year == 2025 ? "aid-2025" : "aid-2026";
        var owner = new Owner { Name = "Listed Parent Co", ListedOn = "entity-list" };
        if (share is { } s)
        {
            owner.SharePercent = s;
        }

        order.Consignee.Owners.Add(owner);
        return order;
    }

    // 90 FR 47201 (in force 2025-09-29), stayed 2025-11-10 to 2026-11-09 (90 FR 50857), in force again after (default setting).
    [Fact]
    public async Task Affiliates_OfAnEntityListParty_DuringTheStayAndAfterIt()
    {
        var during = await stack.Client.DecideAsync(OwnedOrder("aff-stay", Day(2026, 11, 9), 60));
        var after = await stack.Client.DecideAsync(OwnedOrder("aff-after", Day(2026, 11, 10), 60));

        Assert.Equal(DecisionOutcome.LicenseException, during.Outcome);
        Assert.Equal("AIA", during.LicenseException);
        Assert.Contains(during.Reasons, r => r.Code == "AFFILIATES.NOT_IN_FORCE" && r.Citation.Contains("90 FR 50857", StringComparison.Ordinal));
        Assert.Equal(DecisionOutcome.LicenseRequired, after.Outcome);
        Assert.Empty(after.LicenseException);
        Assert.Contains(after.Reasons, r => r.Code == "AFFILIATES.OWNED" && r.Citation.Contains("Rules:AffiliatesRuleAfterStay=in-force", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Affiliates_ListedOwnerOfUnknownShare_HeldForReviewWithTheQuestion()
    {
        var held = await stack.Client.DecideAsync(OwnedOrder("aff-unknown", Day(2026, 11, 10), null));

        Assert.Equal(DecisionOutcome.HeldForReview, held.Outcome);
        Assert.Equal(DecisionOutcome.HeldForReview, held.Items[0].Outcome);
        var question = Assert.Single(held.Questions);
        Assert.Equal("AFFILIATES.UNKNOWN_SHARE", question.Code);
        Assert.Contains("Listed Parent Co", question.Message, StringComparison.Ordinal);
        Assert.Empty(held.Draws);
    }

    [Theory]
    [InlineData("name", "consignee.name")]
    [InlineData("owner-share", "consignee.owners[0].share_percent")]
    [InlineData("owner-list", "consignee.owners[0].listed_on")]
    [InlineData("owner-name", "consignee.owners[0].name")]
    public async Task ConsigneeIdentity_BadInput_InvalidArgumentNamingTheField(string what, string field)
    {
        var order = Order("bad-" + what, "AE", Day(2026, 7, 10));
        switch (what)
        {
            case "name":
                order.Consignee.Name = "G42\0" + new string('x', 2000);
                break;
            case "owner-share":
                order.Consignee.Owners.Add(new Owner { Name = "X", SharePercent = 150, ListedOn = "entity-list" });
                break;
            case "owner-list":
                order.Consignee.Owners.Add(new Owner { Name = "X", SharePercent = 10, ListedOn = "some list" });
                break;
            default:
                order.Consignee.Owners.Add(new Owner { Name = "bad\u0007", ListedOn = "" });
                break;
        }

        var e = await Assert.ThrowsAsync<RpcException>(() => stack.Client.DecideAsync(order).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith(field + ":", e.Status.Detail, StringComparison.Ordinal);
        Assert.True(e.Status.Detail.Length < 300);
    }
}
