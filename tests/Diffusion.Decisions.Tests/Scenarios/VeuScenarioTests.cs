using Diffusion.Decisions.V1;
using Diffusion.Endusers.V1;
using Google.Protobuf.WellKnownTypes;

namespace Diffusion.Decisions.Tests.Scenarios;

/// <summary>Validated End Users, registered in the real EndUsers service, deciding through Decisions.</summary>
[Collection(StackCollection.Name)]
public sealed class VeuScenarioTests(DiffusionStack stack)
{
    private const long H100Tpp = 15_832;
    private static readonly Timestamp AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private static readonly Timestamp ValidFrom = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 1, 15, 0, 0, 0, TimeSpan.Zero));
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    private DecideRequest Order(string name, string destination, string veuId, string headquarters, uint quantity) => new()
    {
        OrderId = $"{name}-{run}",
        DestinationCountry = destination,
        Consignee = new Consignee { Id = $"{name}-{run}", HeadquartersCountry = headquarters, VeuId = veuId },
        AsOf = AsOf,
        Items = { new OrderItem { KnownChip = "NVIDIA H100 SXM", Quantity = quantity } },
    };

    private async Task RegisterAsync(string id, VeuKind kind, string headquarters, params string[] countries)
    {
        var response = await stack.EndUsersClient.RegisterVeuAsync(new RegisterVeuRequest
        {
            AsOf = AsOf,
            Veu = new Veu { Id = id, Kind = kind, Name = "DC " + id, HeadquartersCountry = headquarters, AuthorizedCountries = { countries }, ValidFrom = ValidFrom },
        });
        Assert.True(response.Registered, string.Join("; ", response.Reasons.Select(r => r.Message)));
    }

    [Fact]
    public async Task Nveu_AuthorisedAndWithinLimits_DrawsItsNveuBucketNotTheCountryAllocation()
    {
        var veu = $"nveu-in-{run}";
        await RegisterAsync(veu, VeuKind.Nveu, "IN", "IN");

        var decision = await stack.Client.DecideAsync(Order("nveu", "IN", veu, "IN", 5000));

        Assert.Equal(DecisionOutcome.LicenseException, decision.Outcome);
        Assert.Equal("VEU", decision.LicenseException);
        var draw = Assert.Single(decision.Draws);
        Assert.Equal($"nveu/{veu}/IN", draw.BucketId);
        Assert.Equal(5000 * H100Tpp, draw.Tpp);
        Assert.NotEmpty(decision.ReservationId);
        Assert.Contains(decision.Reasons, r => r.Code == "VEU.NVEU");
    }

    [Fact]
    public async Task Nveu_NotAuthorisedForTheDestination_DecidedAsAnyConsignee()
    {
        var veu = $"nveu-ae-{run}";
        await RegisterAsync(veu, VeuKind.Nveu, "AE", "AE");

        var decision = await stack.Client.DecideAsync(Order("nveu-elsewhere", "SA", veu, "AE", 10));

        Assert.Equal("LPP", decision.LicenseException);
        Assert.Contains(decision.Reasons, r => r.Code == "VEU.NOT_APPLICABLE");
    }

    [Fact]
    public async Task Uveu_WithinItsShares_NoAllocationDrawn()
    {
        var veu = $"uveu-{run}";
        await RegisterAsync(veu, VeuKind.Uveu, "US", "US", "IN");
        // Most of its compute in Tier 1 first, so a small Tier 2 deployment keeps every share within its limit.
        var installed = await stack.EndUsersClient.RecordDeploymentAsync(new RecordDeploymentRequest
        {
            DeploymentId = $"us-{run}",
            VeuId = veu,
            Country = "US",
            Tpp = 100_000 * H100Tpp,
            AsOf = AsOf,
        });
        Assert.True(installed.Recorded);

        var decision = await stack.Client.DecideAsync(Order("uveu", "IN", veu, "US", 1000));

        Assert.Equal(DecisionOutcome.LicenseException, decision.Outcome);
        Assert.Equal("VEU", decision.LicenseException);
        Assert.Empty(decision.Draws);
        Assert.Empty(decision.ReservationId);
        Assert.Contains(decision.Reasons, r => r.Code == "VEU.UVEU");
    }

    [Fact]
    public async Task Uveu_DeploymentBreakingTheTier2CountryShare_NotUnderTheVeu()
    {
        var veu = $"uveu-empty-{run}";
        await RegisterAsync(veu, VeuKind.Uveu, "US", "US", "IN");

        var decision = await stack.Client.DecideAsync(Order("uveu-over", "IN", veu, "US", 1000));

        Assert.NotEqual("VEU", decision.LicenseException);
        Assert.Contains(decision.Reasons, r => r.Code == "VEU.NOT_APPLICABLE");
    }

    [Fact]
    public async Task UnknownVeu_DecidedAsAnyConsignee()
    {
        var decision = await stack.Client.DecideAsync(Order("ghost", "IN", $"ghost-{run}", "IN", 10));

        Assert.Equal("LPP", decision.LicenseException);
        Assert.Contains(decision.Reasons, r => r.Code == "VEU.NOT_APPLICABLE" && r.Message.Contains("not a known", StringComparison.Ordinal));
    }
}
