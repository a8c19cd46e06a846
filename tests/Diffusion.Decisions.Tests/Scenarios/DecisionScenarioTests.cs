using Diffusion.Classification.V1;
using Diffusion.Decisions.V1;
using Diffusion.Quota.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Diffusion.Decisions.Tests.Scenarios;

/// <summary>Each outcome of issue 8, end to end over the running services (real gRPC, Redis, PostgreSQL).</summary>
[Collection(StackCollection.Name)]
public sealed class DecisionScenarioTests(DiffusionStack stack)
{
    private const long H100Tpp = 15_832;
    private static readonly Timestamp March2026 = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private static readonly Timestamp March2025 = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    private DecisionService.DecisionServiceClient Client => stack.Client;

    private DecideRequest Order(string name, string destination, OrderItem item, string headquarters = "", string parent = "", Timestamp? asOf = null, string ruleSet = "") => new()
    {
        OrderId = $"{name}-{run}",
        Exporter = "Acme Servers Inc.",
        DestinationCountry = destination,
        Consignee = new Consignee { Id = $"{name}-consignee-{run}", HeadquartersCountry = headquarters.Length > 0 ? headquarters : destination, ParentHeadquartersCountry = parent },
        EndUse = "AI datacenter",
        AsOf = asOf ?? March2026,
        RuleSet = ruleSet,
        Items = { item },
    };

    private static OrderItem Chip(string name, uint quantity) => new() { KnownChip = name, Quantity = quantity };

    private static OrderItem H100(uint quantity) => Chip("NVIDIA H100 SXM", quantity);

    private async Task<Reservation?> ReservationAsync(string id)
    {
        try
        {
            return await stack.QuotaClient.GetReservationAsync(new GetReservationRequest { ReservationId = id });
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    [Fact]
    public async Task Tier1Destination_AiaNoAllocationDrawn()
    {
        var decision = await Client.DecideAsync(Order("tier1", "DE", H100(64), asOf: March2025, ruleSet: "aid-2025"));

        Assert.Equal(DecisionOutcome.LicenseException, decision.Outcome);
        Assert.Equal("AIA", decision.LicenseException);
        Assert.Empty(decision.Draws);
        Assert.Empty(decision.ReservationId);
        Assert.Equal(64 * H100Tpp, decision.TotalTpp, 3);
        Assert.Equal(64, decision.H100Equivalents, 3);
        Assert.Contains(decision.Reasons, r => r.Code == "AIA.TIER1" && r.Citation.Contains("740.27", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SmallTier2Order_LppReservedThenConfirmed_AndRetryIsIdempotent()
    {
        var order = Order("lpp", "AE", H100(256));

        var decision = await Client.DecideAsync(order);
        var retry = await Client.DecideAsync(order);

        Assert.Equal(DecisionOutcome.LicenseException, decision.Outcome);
        Assert.Equal("LPP", decision.LicenseException);
        Assert.Equal("aid-2026", decision.RuleSet);
        var draw = Assert.Single(decision.Draws);
        Assert.Equal($"lpp/{order.Consignee.Id}/2026", draw.BucketId);
        Assert.Equal(256 * H100Tpp, draw.Tpp);
        Assert.NotEmpty(decision.ReservationId);
        Assert.NotNull(decision.ReservationExpiresAt);
        Assert.Equal(decision, retry);
        var pending = await stack.QuotaClient.GetBalanceAsync(new GetBalanceRequest { BucketId = draw.BucketId });
        Assert.Equal(256 * H100Tpp, pending.Pending);

        var confirmed = await Client.ConfirmAsync(new ConfirmRequest { OrderId = order.OrderId });

        Assert.Equal(ReservationState.Committed, confirmed.State);
        Assert.Equal(decision.ReservationId, confirmed.ReservationId);
        var committed = await stack.QuotaClient.GetBalanceAsync(new GetBalanceRequest { BucketId = draw.BucketId });
        Assert.Equal(256 * H100Tpp, committed.Committed);
        Assert.Equal(0, committed.Pending);
    }

    [Fact]
    public async Task OrderExceedingTheConsigneesAnnualCap_NotLpp_LicenceDrawingTheCountryAllocation()
    {
        var first = Order("cap", "AE", H100(1500));
        var second = Order("cap", "AE", H100(300));
        second.OrderId += "-2";

        var a = await Client.DecideAsync(first);
        var b = await Client.DecideAsync(second);

        Assert.Equal("LPP", a.LicenseException);
        Assert.Equal(DecisionOutcome.LicenseRequired, b.Outcome);
        Assert.Equal("presumption of approval within the country allocation", b.ReviewPolicy);
        Assert.Equal("country/AE/2025-2027", Assert.Single(b.Draws).BucketId);
        Assert.Contains(b.Reasons, r => r.Code == "LPP.ANNUAL_CAP");
        Assert.True(b.AllocationAvailable);
        Assert.Equal(ReservationState.Refused, (await ReservationAsync($"order/{second.OrderId}/1"))!.State);
        Assert.Equal(ReservationState.Pending, (await ReservationAsync(b.ReservationId))!.State);
    }

    [Fact]
    public async Task LicensedTier2Orders_DrawTheCountryAllocationUntilItRunsOut()
    {
        // Servers of 8 H100 each; 250 of them (2,000 H100) exceed a consignee's LPP cap, so each order is licensed.
        const string bucket = "country/KE/2025-2027";
        var server = new OrderItem { Assembly = new Assembly { Name = "HGX H100", Parts = { new AssemblyPart { KnownChip = "NVIDIA H100 SXM", Count = 8 } } }, Quantity = 250 };
        const long orderTpp = 2000 * H100Tpp;
        await stack.QuotaClient.SetAllocationAsync(new SetAllocationRequest { BucketId = bucket, Cap = 2 * orderTpp, Reason = "test: two orders' worth" });

        var answers = new List<DecideResponse>();
        for (var i = 1; i <= 3; i++)
        {
            var order = Order($"ke{i}", "KE", server.Clone());
            answers.Add(await Client.DecideAsync(order));
        }

        Assert.All(answers.Take(2), d =>
        {
            Assert.Equal(DecisionOutcome.LicenseRequired, d.Outcome);
            Assert.Equal("4A090.a", d.Items[0].Eccn);
            Assert.Equal(bucket, Assert.Single(d.Draws).BucketId);
            Assert.Equal(orderTpp, d.Draws[0].Tpp);
            Assert.NotEmpty(d.ReservationId);
        });
        var third = answers[2];
        Assert.Equal(DecisionOutcome.PresumptionOfDenial, third.Outcome);
        Assert.False(third.AllocationAvailable);
        Assert.Empty(third.ReservationId);
        Assert.Empty(third.Draws);
        Assert.Contains(third.Reasons, r => r.Code == "COUNTRY_ALLOCATION.EXHAUSTED");
        var balance = await stack.QuotaClient.GetBalanceAsync(new GetBalanceRequest { BucketId = bucket });
        Assert.Equal(0, balance.Available);
        var dryRun = Order("ke-dry", "KE", server.Clone());
        dryRun.DryRun = true;
        var seen = await Client.DecideAsync(dryRun);
        Assert.Equal(DecisionOutcome.PresumptionOfDenial, seen.Outcome);
        Assert.False(seen.AllocationAvailable);

        await Client.CancelAsync(new CancelRequest { OrderId = $"ke1-{run}" });
        var afterCancel = await stack.QuotaClient.GetBalanceAsync(new GetBalanceRequest { BucketId = bucket });
        Assert.Equal(orderTpp, afterCancel.Available);
    }

    [Fact]
    public async Task Tier3Destination_PresumptionOfDenial_NothingReserved()
    {
        var order = Order("cn", "CN", Chip("NVIDIA B200", 16));

        var decision = await Client.DecideAsync(order);

        Assert.Equal(DecisionOutcome.PresumptionOfDenial, decision.Outcome);
        Assert.Empty(decision.Draws);
        Assert.Empty(decision.ReservationId);
        Assert.Contains(decision.Reasons, r => r.Code == "TIER3.DESTINATION");
        Assert.Contains(decision.Reasons, r => r.Code == "CASE_BY_CASE.OUTSIDE_BAND");
    }

    [Fact]
    public async Task Tier3HeadquarteredConsigneeAbroad_PresumptionOfDenial()
    {
        var decision = await Client.DecideAsync(Order("hq", "MY", H100(32), headquarters: "MY", parent: "CN", asOf: March2025, ruleSet: "aid-2025"));

        Assert.Equal(DecisionOutcome.PresumptionOfDenial, decision.Outcome);
        Assert.Empty(decision.Draws);
        Assert.Contains(decision.Reasons, r => r.Code == "TIER3.HEADQUARTERS");
    }

    [Theory]
    [InlineData("AE", "ACA")]
    [InlineData("CN", "NAC")]
    public async Task NonDatacenterGpu_NacOrAca(string destination, string exception)
    {
        var decision = await Client.DecideAsync(Order("rtx" + destination, destination, Chip("NVIDIA GeForce RTX 4090", 500)));

        Assert.Equal(DecisionOutcome.LicenseException, decision.Outcome);
        Assert.Equal(exception, decision.LicenseException);
        Assert.Empty(decision.Draws);
    }

    [Theory]
    [InlineData(600, 250, DecisionOutcome.LicenseException, "HBM")]
    [InlineData(1229, 121, DecisionOutcome.PresumptionOfDenial, "")]
    public async Task Hbm_ToChina(double bandwidth, double area, DecisionOutcome outcome, string exception)
    {
        var memory = new OrderItem { Memory = new MemorySpec { Name = "HBM stack", BandwidthGbPerS = bandwidth, PackageAreaMm2 = area }, Quantity = 1000 };

        var decision = await Client.DecideAsync(Order($"hbm{bandwidth}", "CN", memory));

        Assert.Equal("3A090.c", decision.Items[0].Eccn);
        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(exception, decision.LicenseException);
        Assert.Empty(decision.Draws);
    }

    [Fact]
    public async Task ControlledModelWeights_LicenceRequired()
    {
        var weights = new OrderItem { ModelWeights = new V1.ModelWeights { ModelName = "frontier-1", TrainingOperations = 3e26 }, Quantity = 1 };

        var decision = await Client.DecideAsync(Order("weights", "AE", weights));

        Assert.Equal("4E091", decision.Items[0].Eccn);
        Assert.True(decision.Outcome >= DecisionOutcome.LicenseRequired);
        Assert.Contains(decision.Reasons, r => r.Code == "4E091.CONTROLLED");
        Assert.Empty(decision.Draws);
    }

    [Fact]
    public async Task ControlledModelWeights_Tier1HeadquarteredSecureStorage_Aia()
    {
        var weights = new OrderItem { ModelWeights = new V1.ModelWeights { ModelName = "frontier-1", TrainingOperations = 3e26, StorageMeetsSecurityStandards = true }, Quantity = 1 };

        var decision = await Client.DecideAsync(Order("weights-aia", "DE", weights, headquarters: "US"));

        Assert.Equal(DecisionOutcome.LicenseException, decision.Outcome);
        Assert.Equal("AIA", decision.LicenseException);
    }

    [Theory]
    [InlineData(1e25, false, false)]
    [InlineData(3e26, true, false)]
    public async Task UncontrolledModelWeights_NoLicenceRequired(double operations, bool published, bool derived)
    {
        var weights = new OrderItem { ModelWeights = new V1.ModelWeights { ModelName = "small", TrainingOperations = operations, WeightsPublished = published, DerivedFromPublished = derived }, Quantity = 1 };

        var decision = await Client.DecideAsync(Order($"weights-free-{operations:0e0}-{published}", "AE", weights));

        Assert.Equal(DecisionOutcome.NoLicenseRequired, decision.Outcome);
        Assert.Empty(decision.Items[0].Eccn);
    }

    [Fact]
    public async Task SameOrderUnderTwoRuleSets_SideBySide_NothingReserved()
    {
        var order = Order("whatif", "CN", Chip("NVIDIA H200 SXM", 100));

        var whatIf = await Client.WhatIfAsync(new WhatIfRequest { Order = order, RuleSets = { "aid-2025", "aid-2026" } });

        Assert.Collection(
            whatIf.Decisions,
            d =>
            {
                Assert.Equal("aid-2025", d.RuleSet);
                Assert.Equal(DecisionOutcome.PresumptionOfDenial, d.Outcome);
            },
            d =>
            {
                Assert.Equal("aid-2026", d.RuleSet);
                Assert.Equal(DecisionOutcome.LicenseRequired, d.Outcome);
                Assert.Equal("case-by-case, with conditions", d.ReviewPolicy);
            });
        Assert.All(whatIf.Decisions, d => Assert.Empty(d.ReservationId));
        Assert.Null(await ReservationAsync($"order/{order.OrderId}/1"));
    }

    [Fact]
    public async Task DryRun_DecidesWithoutReserving()
    {
        var order = Order("dry", "AE", H100(10));
        order.DryRun = true;

        var decision = await Client.DecideAsync(order);

        Assert.Equal("LPP", decision.LicenseException);
        Assert.Single(decision.Draws);
        Assert.Empty(decision.ReservationId);
        Assert.Null(await ReservationAsync($"order/{order.OrderId}/1"));
    }

    [Fact]
    public async Task ClassificationDown_UnavailableAndNothingReserved()
    {
        await using var decisions = await stack.StartDecisionsAsync(new Dictionary<string, Uri> { ["classification"] = DiffusionStack.DeadAddress() });
        var order = Order("down", "AE", H100(10));

        var e = await Assert.ThrowsAsync<RpcException>(() => new DecisionService.DecisionServiceClient(decisions.Channel).DecideAsync(order).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Contains("classification", e.Status.Detail, StringComparison.Ordinal);
        Assert.Null(await ReservationAsync($"order/{order.OrderId}/1"));
    }

    [Fact]
    public async Task QuotaDown_UnavailableNoDecision()
    {
        await using var decisions = await stack.StartDecisionsAsync(new Dictionary<string, Uri> { ["quota"] = DiffusionStack.DeadAddress() });

        var e = await Assert.ThrowsAsync<RpcException>(() => new DecisionService.DecisionServiceClient(decisions.Channel).DecideAsync(Order("qdown", "AE", H100(10))).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Contains("quota", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirm_OrderThatDrewNothing_NotFound()
    {
        var order = Order("nothing", "DE", H100(1), asOf: March2025, ruleSet: "aid-2025");
        await Client.DecideAsync(order);

        var e = await Assert.ThrowsAsync<RpcException>(() => Client.ConfirmAsync(new ConfirmRequest { OrderId = order.OrderId }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task AssemblyPartNamingAnUnknownChip_InvalidArgumentAsForAPlainLine()
    {
        var assembly = new OrderItem { Assembly = new Assembly { Name = "srv", Parts = { new AssemblyPart { KnownChip = "NVIDIA H100 SXM", Count = 8 }, new AssemblyPart { KnownChip = "No Such Chip 9000", Count = 1 } } }, Quantity = 1 };

        var part = await Assert.ThrowsAsync<RpcException>(() => Client.DecideAsync(Order("asm-unknown", "AE", assembly)).ResponseAsync);
        var line = await Assert.ThrowsAsync<RpcException>(() => Client.DecideAsync(Order("line-unknown", "AE", Chip("No Such Chip 9000", 1))).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, line.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, part.StatusCode);
        Assert.StartsWith("items[0].assembly.parts[1]:", part.Status.Detail, StringComparison.Ordinal);
    }
}
