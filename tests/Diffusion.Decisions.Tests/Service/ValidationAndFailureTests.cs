using Diffusion.Classification.V1;
using Diffusion.Decisions.V1;
using Diffusion.Testing.Grpc;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Diffusion.Decisions.Tests.Service;

/// <summary>What Decisions answers before and without its downstream services: bad orders, and every service down.</summary>
public sealed class ValidationAndFailureTests : IAsyncLifetime
{
    private GrpcTestServer server = null!;
    private DecisionService.DecisionServiceClient client = null!;

    public async Task InitializeAsync()
    {
        // Nothing listens on these ports: every downstream call fails to connect.
        var dead = DecisionsHost.Unreachable();
        server = await DecisionsHost.StartAsync(dead, DecisionsHost.NoLedger(), new Dictionary<string, string?> { ["Decisions:CallTimeout"] = "00:00:02" });
        client = DecisionsHost.Client(server);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    internal static DecideRequest Order(string id = "o-1") => new()
    {
        OrderId = id,
        DestinationCountry = "AE",
        Consignee = new Consignee { Id = "gulf-ai", HeadquartersCountry = "AE" },
        AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)),
        Items =
        {
            new OrderItem { KnownChip = "NVIDIA H100 SXM", Quantity = 8 },
            new OrderItem { Memory = new MemorySpec { Name = "HBM3E", BandwidthGbPerS = 1229, PackageAreaMm2 = 121 }, Quantity = 8 },
            new OrderItem { KnownChip = "NVIDIA H100 SXM", Quantity = 1 },
        },
    };

    public static TheoryData<string, string> BadOrders => new()
    {
        { "items[2].quantity", "must be at least 1" },
        { "order_id", "required" },
        { "destination_country", "ISO 3166-1 alpha-2" },
        { "consignee.id", "required" },
        { "items[1]", "one of chip, known_chip, memory, assembly or model_weights" },
        { "items[0].chip.rates", "at least one compute rate" },
        { "items[0].assembly.parts[0].count", "must be at least 1" },
        { "items[0].model_weights.training_operations", "finite" },
        { "items", "at least one item" },
        { "rule_set", "unknown rule set" },
    };

    [Theory]
    [MemberData(nameof(BadOrders))]
    public async Task Decide_BadOrder_InvalidArgumentNamingTheField(string field, string problem)
    {
        var order = Order();
        switch (field)
        {
            case "items[2].quantity": order.Items[2].Quantity = 0; break;
            case "order_id": order.OrderId = ""; break;
            case "destination_country": order.DestinationCountry = "United Arab Emirates"; break;
            case "consignee.id": order.Consignee.Id = ""; break;
            case "items[1]": order.Items[1] = new OrderItem { Quantity = 1 }; break;
            case "items[0].chip.rates": order.Items[0] = new OrderItem { Chip = new ChipSpec { Name = "x" }, Quantity = 1 }; break;
            case "items[0].assembly.parts[0].count":
                order.Items[0] = new OrderItem { Assembly = new Assembly { Name = "srv", Parts = { new AssemblyPart { KnownChip = "NVIDIA H100 SXM" } } }, Quantity = 1 };
                break;
            case "items[0].model_weights.training_operations":
                order.Items[0] = new OrderItem { ModelWeights = new Diffusion.Decisions.V1.ModelWeights { ModelName = "m", TrainingOperations = double.NaN }, Quantity = 1 };
                break;
            case "items": order.Items.Clear(); break;
            case "rule_set": order.RuleSet = "no-such-set"; break;
            default: throw new ArgumentOutOfRangeException(nameof(field));
        }

        var e = await Assert.ThrowsAsync<RpcException>(() => client.DecideAsync(order).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith(field + ":", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(problem, e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatIf_NoRuleSets_InvalidArgument()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => client.WhatIfAsync(new WhatIfRequest { Order = Order() }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("rule_sets:", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatIf_BadOrder_FieldPrefixedWithOrder()
    {
        var order = Order();
        order.Items[2].Quantity = 0;

        var e = await Assert.ThrowsAsync<RpcException>(() => client.WhatIfAsync(new WhatIfRequest { Order = order, RuleSets = { "aid-2025" } }).ResponseAsync);

        Assert.StartsWith("order.items[2].quantity:", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_EveryServiceDown_UnavailableNamingTheService()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => client.DecideAsync(Order()).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Contains("classification service unavailable", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("nothing reserved", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirm_ServicesDown_Unavailable()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => client.ConfirmAsync(new ConfirmRequest { OrderId = "o-1" }).ResponseAsync);

        // Confirm first asks EndUsers whether the order's screening still clears (a newer list may match it), then Quota.
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Contains("endusers service unavailable", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirm_BadOrderId_InvalidArgument()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => client.ConfirmAsync(new ConfirmRequest { OrderId = "has spaces/and slashes" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("order_id:", e.Status.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<string> HostileFields => ["consignee.id", "consignee.veu_id", "items[0].known_chip", "exporter", "items[1].memory.name", "consignee.headquarters_country"];

    [Theory]
    [MemberData(nameof(HostileFields))]
    public async Task Decide_HostileString_InvalidArgumentBeforeAnyDownstreamCall(string field)
    {
        foreach (var hostile in new[] { "a\u0000b", new string('x', 100_000) })
        {
            var order = Order();
            switch (field)
            {
                case "consignee.id": order.Consignee.Id = hostile; break;
                case "consignee.veu_id": order.Consignee.VeuId = hostile; break;
                case "items[0].known_chip": order.Items[0].KnownChip = hostile; break;
                case "exporter": order.Exporter = hostile; break;
                case "items[1].memory.name": order.Items[1].Memory.Name = hostile; break;
                case "consignee.headquarters_country": order.Consignee.HeadquartersCountry = hostile; break;
                default: throw new ArgumentOutOfRangeException(nameof(field));
            }

            // Every downstream service is down here: anything but INVALID_ARGUMENT means the value went downstream.
            var e = await Assert.ThrowsAsync<RpcException>(() => client.DecideAsync(order).ResponseAsync);

            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.StartsWith(field + ":", e.Status.Detail, StringComparison.Ordinal);
            Assert.True(e.Status.Detail.Length < 300, $"{e.Status.Detail.Length} characters");
            Assert.DoesNotContain('\0', e.Status.Detail);
        }
    }

    [Fact]
    public async Task OversizedRepeatedFieldsAndHostileRuleSets_InvalidArgumentBeforeAnyDownstreamCall()
    {
        var assembly = Order();
        var parts = Enumerable.Range(0, 101).Select(_ => new AssemblyPart { KnownChip = "NVIDIA H100 SXM", Count = 1 });
        assembly.Items.Add(new OrderItem { Assembly = new Assembly { Name = "rack", Parts = { parts } }, Quantity = 1 });
        var tooMany = new WhatIfRequest { Order = Order(), RuleSets = { Enumerable.Repeat("aid-2026", 9) } };
        var withNul = new WhatIfRequest { Order = Order(), RuleSets = { "aid-2026", "aid\u00002025" } };
        var huge = new WhatIfRequest { Order = Order(), RuleSets = { new string('x', 100_000) } };

        // Every downstream service is down here: anything but INVALID_ARGUMENT means the request went downstream.
        foreach (var (call, field) in new (Func<Task>, string)[]
        {
            (() => client.DecideAsync(assembly).ResponseAsync, "items[3].assembly.parts:"),
            (() => client.WhatIfAsync(tooMany).ResponseAsync, "rule_sets:"),
            (() => client.WhatIfAsync(withNul).ResponseAsync, "rule_sets[1]:"),
            (() => client.WhatIfAsync(huge).ResponseAsync, "rule_sets[0]:"),
        })
        {
            var e = await Assert.ThrowsAsync<RpcException>(call);

            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.StartsWith(field, e.Status.Detail, StringComparison.Ordinal);
            Assert.True(e.Status.Detail.Length < 300, $"{e.Status.Detail.Length} characters");
        }
    }

    [Theory]
    [InlineData(-1_000_000_000_000_000_000L, 0)]
    [InlineData(8_170_000_000_000_000_000L, 0)]
    [InlineData(0L, -1)]
    public async Task DecideAndWhatIf_AsOfOutsideTheTimestampRange_InvalidArgument(long seconds, int nanos)
    {
        var order = Order();
        order.AsOf = new Timestamp { Seconds = seconds, Nanos = nanos };

        var decide = await Assert.ThrowsAsync<RpcException>(() => client.DecideAsync(order).ResponseAsync);
        var whatIf = await Assert.ThrowsAsync<RpcException>(() => client.WhatIfAsync(new WhatIfRequest { Order = order, RuleSets = { "aid-2025" } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, decide.StatusCode);
        Assert.Equal("as_of: is not a valid timestamp", decide.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, whatIf.StatusCode);
        Assert.Equal("order.as_of: is not a valid timestamp", whatIf.Status.Detail);
    }
}
