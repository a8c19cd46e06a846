using Diffusion.Decisions.Composition;
using Diffusion.Decisions.Tests.Scenarios;
using Diffusion.Decisions.V1;
using Diffusion.Endusers.V1;
using Diffusion.Quota.V1;
using Diffusion.Rules.Decisions;
using Google.Protobuf.WellKnownTypes;

namespace Diffusion.Decisions.Tests.Gaps;

/// <summary>The gaps a review found (issue 14), over the running services: each test failed before its fix.</summary>
[Collection(StackCollection.Name)]
public sealed class ReviewGapScenarioTests(DiffusionStack stack)
{
    private const long H100Tpp = 15_832;
    private static readonly Timestamp June2025 = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
    private static readonly Timestamp ValidFrom = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 1, 15, 0, 0, 0, TimeSpan.Zero));
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task ModelWeights_GenerationOperationsOfASyntheticDataGenerator_AreForwardedAndCount()
    {
        // 8e25 of its own plus 3e25 spent generating half its training data with a published generator: 1.1e26 >= 1e26
        // (15 CFR 774 Supp. 1, ECCN 4E091 Technical Note; 90 FR 4544). Without the generation operations it is 8e25.
        var weights = new V1.ModelWeights
        {
            ModelName = "distilled-1",
            TrainingOperations = 8e25,
            SyntheticDataShare = 0.5,
            GeneratorWeightsPublished = true,
            GenerationOperations = 3e25,
        };
        var order = new DecideRequest
        {
            OrderId = $"synthetic-{run}",
            DestinationCountry = "IN",
            Consignee = new Consignee { Id = $"synthetic-{run}", HeadquartersCountry = "IN" },
            AsOf = June2025,
            RuleSet = "aid-2025",
            Items = { new OrderItem { ModelWeights = weights, Quantity = 1 } },
        };

        var decision = await stack.Client.DecideAsync(order);

        var line = Assert.Single(decision.Items);
        Assert.Equal("4E091", line.Eccn);
        Assert.Equal(DecisionOutcome.LicenseRequired, decision.Outcome);
    }

    [Fact]
    public async Task Nveu_OneStoreDecidesTheCap_QuotasBucketNotEndUsersScheduleAtTheOrdersDate()
    {
        var veu = $"nveu-one-{run}";
        await RegisterNveuAsync(veu, "IN");
        // The officer's cap on the NVEU's bucket (3e9 TPP) is above the rules' schedule on the order's day (1.58e9 in
        // 2025): Quota's bucket is the cap that counts, for the check as for the reservation.
        await stack.QuotaClient.SetAllocationAsync(new SetAllocationRequest { BucketId = $"nveu/{veu}/IN", Cap = 3_000_000_000, Reason = "issue 14 test" });

        var first = await stack.Client.DecideAsync(NveuOrder($"nveu-a-{run}", veu, 150_000));
        var second = await stack.Client.DecideAsync(NveuOrder($"nveu-b-{run}", veu, 50_000));

        Assert.Equal("VEU", first.LicenseException);
        Assert.Equal($"nveu/{veu}/IN", Assert.Single(first.Draws).BucketId);
        // 150,000 + 50,000 H100 = 3.17e9 TPP > 3e9: the second is refused by the same store, not under the VEU.
        Assert.NotEqual("VEU", second.LicenseException);
        Assert.DoesNotContain(second.Draws, d => d.BucketId.StartsWith("nveu/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nveu_ConfirmOfAVeuOrder_RecordsTheDeploymentInTheInstalledBase()
    {
        var veu = $"nveu-confirm-{run}";
        await RegisterNveuAsync(veu, "IN");
        var order = NveuOrder($"nveu-confirm-{run}", veu, 1_000);
        order.AsOf = null;
        var decision = await stack.Client.DecideAsync(order);
        Assert.Equal("VEU", decision.LicenseException);

        var confirmed = await stack.Client.ConfirmAsync(new ConfirmRequest { OrderId = order.OrderId });
        var again = await stack.Client.ConfirmAsync(new ConfirmRequest { OrderId = order.OrderId });
        var installed = await stack.EndUsersClient.GetInstalledBaseAsync(new GetInstalledBaseRequest { VeuId = veu });
        var balance = await stack.QuotaClient.GetBalanceAsync(new GetBalanceRequest { BucketId = $"nveu/{veu}/IN" });

        Assert.Equal(ReservationState.Committed, confirmed.State);
        Assert.True(confirmed.DeploymentRecorded, string.Join("; ", confirmed.Reasons.Select(r => r.Message)));
        Assert.True(again.DeploymentRecorded);
        Assert.Equal(1_000 * H100Tpp, Assert.Single(installed.Countries).InstalledTpp);
        // Recorded once, drawn once: the deployment used the order's reservation, EndUsers reserved nothing more.
        Assert.Equal(1_000 * H100Tpp, balance.Committed);
        Assert.Equal(0, balance.Pending);
    }

    [Fact]
    public void Rounds_AShortBucketWhoseMechanismCannotBeRuledOut_EndTheRounds()
    {
        var draws = new List<PlannedDraw> { new("lpp/c/2026", 10, DrawMechanism.LowProcessingPerformance) };
        var noMechanism = new List<PlannedDraw> { new("country/AE/2025-2027", 10, DrawMechanism.None) };
        var alreadyOut = new AllocationState(LppExhausted: true);
        var shortBuckets = new HashSet<string>(["lpp/c/2026", "country/AE/2025-2027"]);
        var noUnknownBuckets = new HashSet<string>();

        Assert.Equal(new AllocationState(LppExhausted: true), AllocationRounds.Next(AllocationState.Unknown, draws, shortBuckets, noUnknownBuckets, 1));
        Assert.Null(AllocationRounds.Next(alreadyOut, draws, shortBuckets, noUnknownBuckets, 1));
        Assert.Null(AllocationRounds.Next(AllocationState.Unknown, noMechanism, shortBuckets, noUnknownBuckets, 1));
        Assert.Null(AllocationRounds.Next(AllocationState.Unknown, draws, shortBuckets, noUnknownBuckets, ReservationIds.MaxRounds));
    }

    private DecideRequest NveuOrder(string id, string veu, uint quantity) => new()
    {
        OrderId = id,
        DestinationCountry = "IN",
        Consignee = new Consignee { Id = id, HeadquartersCountry = "IN", VeuId = veu },
        AsOf = June2025,
        Items = { new OrderItem { KnownChip = "NVIDIA H100 SXM", Quantity = quantity } },
    };

    private async Task RegisterNveuAsync(string id, string country)
    {
        var response = await stack.EndUsersClient.RegisterVeuAsync(new RegisterVeuRequest
        {
            AsOf = June2025,
            Veu = new Veu { Id = id, Kind = Endusers.V1.VeuKind.Nveu, Name = "DC " + id, HeadquartersCountry = country, AuthorizedCountries = { country }, ValidFrom = ValidFrom },
        });
        Assert.True(response.Registered, string.Join("; ", response.Reasons.Select(r => r.Message)));
    }
}
