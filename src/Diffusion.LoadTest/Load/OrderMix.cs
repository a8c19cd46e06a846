using System.Globalization;
using Diffusion.Classification.V1;
using Diffusion.Decisions.V1;
using Google.Protobuf.WellKnownTypes;

namespace Diffusion.LoadTest.Load;

/// <summary>
/// Orders in realistic shares, shaped like samples/: Tier 1 shipments that need no licence, Tier 2 orders small enough
/// for License Exception LPP and larger ones that draw the country allocation, NVEU orders, Tier 3 orders, HBM, model
/// weights, dry runs, and a few hostile orders that must come back INVALID_ARGUMENT. Every order is decided as of
/// 1 March 2026; its consignees are named after the run, so its LPP buckets are its own.
/// </summary>
internal sealed class OrderMix(string runId, string worker)
{
    public const string Tier1 = "tier1", Lpp = "tier2_lpp", Country = "tier2_country", Veu = "veu", Tier3 = "tier3",
        Hbm = "hbm", Weights = "model_weights", DryRun = "dry_run", Hostile = "hostile";

    /// <summary>The shares, in percent (they sum to 100).</summary>
    public static readonly IReadOnlyList<(string Kind, int Percent)> Shares =
    [
        (Tier1, 20), (Lpp, 25), (Country, 10), (Veu, 5), (Tier3, 10), (Hbm, 5), (Weights, 5), (DryRun, 15), (Hostile, 5),
    ];

    private const int Consignees = 64;
    private static readonly Timestamp AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));

    public DecideFlowPlan Next(Random random, long n, FollowUp then)
    {
        var orderId = string.Create(CultureInfo.InvariantCulture, $"lt-{runId}-{worker}-{n}");
        var consignee = string.Create(CultureInfo.InvariantCulture, $"lt-{runId}-c{random.Next(Consignees)}");
        var pick = random.Next(100);
        var kind = Shares[^1].Kind;
        foreach (var (k, percent) in Shares)
        {
            if (pick < percent)
            {
                kind = k;
                break;
            }

            pick -= percent;
        }

        var order = kind switch
        {
            Tier1 => Chips(orderId, "DE", consignee, "NVIDIA H100 SXM", random.Next(1, 65)),
            Lpp => Chips(orderId, "AE", consignee, "NVIDIA H100 SXM", random.Next(1, 41)),
            Country => Chips(orderId, "IN", consignee, "NVIDIA H100 SXM", random.Next(500, 2001)),
            Veu => Chips(orderId, "IN", consignee, "NVIDIA H100 SXM", random.Next(10, 201), veu: "nveu-in-1"),
            Tier3 => Chips(orderId, "CN", consignee, "NVIDIA H200 SXM", random.Next(1, 101)),
            Hbm => Memory(orderId, consignee, random.Next(100, 1001)),
            Weights => ModelWeightsOrder(orderId, consignee),
            DryRun => Chips(orderId, "AE", consignee, "NVIDIA H100 SXM", random.Next(1, 41), dryRun: true),
            _ => HostileOrder(orderId, consignee, random.Next(4)),
        };
        return new DecideFlowPlan(kind, order, then);
    }

    private static DecideRequest Chips(string orderId, string country, string consignee, string chip, int quantity, string veu = "", bool dryRun = false)
    {
        var order = Order(orderId, country, consignee, "AI training cluster", new OrderItem { KnownChip = chip, Quantity = (uint)quantity });
        order.Consignee.VeuId = veu;
        order.DryRun = dryRun;
        return order;
    }

    private static DecideRequest Memory(string orderId, string consignee, int quantity) =>
        Order(orderId, "CN", consignee, "memory for accelerators",
            new OrderItem { Memory = new MemorySpec { Name = "HBM3E 12-high stack", BandwidthGbPerS = 1229, PackageAreaMm2 = 121 }, Quantity = (uint)quantity });

    private static DecideRequest ModelWeightsOrder(string orderId, string consignee) =>
        Order(orderId, "AE", consignee, "inference hosting",
            new OrderItem { ModelWeights = new ModelWeights { ModelName = "frontier-lt", TrainingOperations = 3e26, StorageMeetsSecurityStandards = true }, Quantity = 1 });

    private static DecideRequest Order(string orderId, string country, string consignee, string endUse, OrderItem item) => new()
    {
        OrderId = orderId,
        Exporter = "Load Test Servers Inc.",
        DestinationCountry = country,
        Consignee = new Consignee { Id = consignee, HeadquartersCountry = country },
        EndUse = endUse,
        AsOf = AsOf,
        Items = { item },
    };

    /// <summary>Malformed orders a careless or hostile client sends: each must be INVALID_ARGUMENT, never a crash.</summary>
    private static DecideRequest HostileOrder(string orderId, string consignee, int which)
    {
        var order = Chips(orderId, "AE", consignee, "NVIDIA H100 SXM", 8);
        switch (which)
        {
            case 0:
                order.DestinationCountry = "Z\u0000Z";
                break;
            case 1:
                order.Items[0].Quantity = 0;
                break;
            case 2:
                order.Consignee.Id = new string('x', 5_000);
                break;
            default:
                order.Items.Clear();
                break;
        }

        return order;
    }
}
