using Diffusion.Decisions.V1;
using Google.Protobuf.WellKnownTypes;

namespace Diffusion.AppHost.Tests;

/// <summary>Orders as in samples/ and the Decisions scenario tests: H100s, decided as of 1 March 2026.</summary>
internal static class Orders
{
    public static readonly Timestamp AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Start of a VEU authorisation registered for a test, before <see cref="AsOf"/>.</summary>
    public static readonly Timestamp VeuValidFrom = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 1, 15, 0, 0, 0, TimeSpan.Zero));

    /// <summary>As samples/tier2-lpp-small.json: H100s to a consignee in the UAE (Tier 2), under the LPP exception.</summary>
    public static DecideRequest Lpp(string consignee, uint quantity) => new()
    {
        OrderId = $"order-{consignee}",
        Exporter = "Acme Servers Inc.",
        DestinationCountry = "AE",
        Consignee = new Consignee { Id = consignee, HeadquartersCountry = "AE" },
        EndUse = "AI training cluster",
        AsOf = AsOf,
        Items = { new OrderItem { KnownChip = "NVIDIA H100 SXM", Quantity = quantity } },
    };

    /// <summary>H100s to a data centre of the NVEU <paramref name="veu"/> in <paramref name="country"/>.</summary>
    public static DecideRequest Nveu(string consignee, string country, string veu, uint quantity) => new()
    {
        OrderId = $"order-{consignee}",
        DestinationCountry = country,
        Consignee = new Consignee { Id = consignee, HeadquartersCountry = country, VeuId = veu },
        AsOf = AsOf,
        Items = { new OrderItem { KnownChip = "NVIDIA H100 SXM", Quantity = quantity } },
    };
}
