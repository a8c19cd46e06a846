using Diffusion.Decisions.Tests.Scenarios;
using Diffusion.Decisions.V1;
using Diffusion.Licences.V1;
using Diffusion.Quota.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Diffusion.Decisions.Tests.Licences;

/// <summary>
/// Orders under granted licences, over the running services (issue 14): Decide finds the licences that bear on an
/// order at EndUsers, ships a line that needs a licence under one that covers it (exporter, consignee, destination,
/// ECCN, validity on the order's day) and reserves against <c>licence/&lt;number&gt;</c> at Quota in the order's one
/// Reserve; Confirm depletes it, Cancel returns it; a licence that does not cover the order is named with why. Each
/// consignee's LPP cap is set to zero so its orders need a licence (15 CFR 742.6(a)(6)(iii)(A), Tier 2 under aid-2026).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class LicenceScenarioTests(DiffusionStack stack)
{
    private const long H100Tpp = 15_832;
    private const string RuleSet = "aid-2026";
    private const string CountryBucket = "country/MY/2025-2027";
    private static readonly Timestamp March2026 = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    private LicenceService.LicenceServiceClient Licences => new(stack.EndUsers.Channel);

    private string Exporter => $"Scenario Servers {run}";

    private static Timestamp Day(int year, int month, int day) => Timestamp.FromDateTimeOffset(new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero));

    private DecideRequest Order(string name, string consignee, uint h100s = 8, string destination = "MY") => new()
    {
        OrderId = $"{name}-{run}",
        Exporter = Exporter,
        DestinationCountry = destination,
        Consignee = new Diffusion.Decisions.V1.Consignee { Id = consignee, HeadquartersCountry = destination },
        EndUse = "AI datacenter",
        AsOf = March2026,
        RuleSet = RuleSet,
        Items = { new OrderItem { KnownChip = "NVIDIA H100 SXM", Quantity = h100s } },
    };

    private Licence Licence(string number, string consignee, long tpp, string destination = "MY", Timestamp? from = null, Timestamp? until = null) => new()
    {
        Number = number,
        Exporter = Exporter,
        ConsigneeId = consignee,
        ConsigneeName = "Kuala Lumpur Cloud Sdn Bhd",
        DestinationCountry = destination,
        Eccns = { "3A090.a" },
        QuantityUnit = QuantityUnit.Tpp,
        Quantity = tpp,
        ValidFrom = from ?? Day(2026, 1, 15),
        ValidUntil = until ?? Day(2027, 1, 15),
        Conditions = { "no reexport without BIS authorisation" },
    };

    // A granted licence as `diffusion licence record` records it: the registry, then its quantity as the cap of its bucket.
    private async Task<Licence> GrantAsync(Licence licence, string ruleSet = RuleSet)
    {
        var recorded = await Licences.RecordLicenceAsync(new RecordLicenceRequest { Licence = licence, RuleSet = ruleSet });
        await stack.QuotaClient.SetAllocationAsync(new SetAllocationRequest { BucketId = recorded.BucketId, Cap = recorded.Quantity, Reason = $"licence {recorded.Number} granted" });
        return recorded;
    }

    private async Task<string> ConsigneeWithoutLppAsync(string name)
    {
        var consignee = $"{name}-{run}";
        await stack.QuotaClient.SetAllocationAsync(new SetAllocationRequest { BucketId = $"lpp/{consignee}/2026", Cap = 0, Reason = "test: LPP used up, so orders need a licence" });
        return consignee;
    }

    // The country allocation's balance; nothing yet when no order or grant has touched it.
    private async Task<GetBalanceResponse> BalanceAsync(string bucket)
    {
        try
        {
            return await stack.QuotaClient.GetBalanceAsync(new GetBalanceRequest { BucketId = bucket, RuleSet = RuleSet });
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return new GetBalanceResponse { BucketId = bucket };
        }
    }

    [Fact]
    public async Task Order_AuthorisedUnderALicenceUntilItIsUsedUp_ThenTheNextIsToldItIsExhausted()
    {
        var consignee = await ConsigneeWithoutLppAsync("kl-cloud");
        var number = $"D{run}";
        var countryBefore = await BalanceAsync(CountryBucket);
        var recorded = await GrantAsync(Licence(number, consignee, tpp: 10 * H100Tpp));
        var retried = await Licences.RecordLicenceAsync(new RecordLicenceRequest { Licence = Licence(number, consignee, tpp: 10 * H100Tpp), RuleSet = RuleSet });
        var countryAfter = await BalanceAsync(CountryBucket);

        // Granted for Tier 2 under the 2025 framework: its whole TPP counts against the country allocation once, at grant.
        Assert.Equal(CountryBucket, recorded.AllocationBucketId);
        Assert.Contains(recorded.Reasons, r => r.Code == "LICENCE.GRANT_DRAWS_ALLOCATION" && r.Citation.Contains("90 FR 4544", StringComparison.Ordinal));
        Assert.Equal(CountryBucket, retried.AllocationBucketId);
        Assert.Equal(countryBefore.Committed + (10 * H100Tpp), countryAfter.Committed);

        var first = await stack.Client.DecideAsync(Order("lic-1", consignee, h100s: 8));
        await stack.Client.ConfirmAsync(new ConfirmRequest { OrderId = first.OrderId });
        var afterFirst = await Licences.GetLicenceAsync(new GetLicenceRequest { Number = number });
        var second = await stack.Client.DecideAsync(Order("lic-2", consignee, h100s: 8));
        var countryAtEnd = await BalanceAsync(CountryBucket);

        Assert.Equal(DecisionOutcome.UnderLicense, first.Outcome);
        Assert.Equal([number], first.Licences);
        Assert.Equal(number, Assert.Single(first.Items).Licence);
        var draw = Assert.Single(first.Draws);   // the licence only: the country allocation was drawn at grant
        Assert.Equal($"licence/{number}", draw.BucketId);
        Assert.Equal(8 * H100Tpp, draw.Tpp);
        Assert.NotEmpty(first.ReservationId);
        Assert.Contains(first.Reasons, r => r.Code == "LICENCE.COVERS" && r.Citation.Contains("750.7", StringComparison.Ordinal));

        Assert.Equal(8 * H100Tpp, afterFirst.Balance.Committed);
        Assert.Equal(2 * H100Tpp, afterFirst.Balance.Available);

        // 8 more would pass what remains (2): the licence is named as exhausted, and the order needs a licence of its
        // own again, drawing the country allocation as any licensed Tier 2 export.
        Assert.Equal(DecisionOutcome.LicenseRequired, second.Outcome);
        Assert.Empty(second.Licences);
        var exhausted = Assert.Single(second.Reasons, r => r.Code == "LICENCE.EXHAUSTED");
        Assert.Contains(number, exhausted.Message, StringComparison.Ordinal);
        Assert.Contains("750.7", exhausted.Citation, StringComparison.Ordinal);
        Assert.Equal(CountryBucket, Assert.Single(second.Draws).BucketId);
        Assert.Equal(countryAfter.Pending + (8 * H100Tpp), countryAtEnd.Pending);
        var licenceAtEnd = await Licences.GetLicenceAsync(new GetLicenceRequest { Number = number });
        Assert.Equal(2 * H100Tpp, licenceAtEnd.Balance.Available);
    }

    [Fact]
    public async Task Cancel_ReturnsTheQuantityToTheLicence_DryRunReservesNothing()
    {
        var consignee = await ConsigneeWithoutLppAsync("kl-cancel");
        var number = $"C{run}";
        await GrantAsync(Licence(number, consignee, tpp: 10 * H100Tpp));

        var dry = Order("lic-dry", consignee);
        dry.DryRun = true;
        var dryRun = await stack.Client.DecideAsync(dry);
        var decided = await stack.Client.DecideAsync(Order("lic-cancel", consignee));
        var reserved = await Licences.GetLicenceAsync(new GetLicenceRequest { Number = number });
        await stack.Client.CancelAsync(new CancelRequest { OrderId = decided.OrderId });
        var returned = await Licences.GetLicenceAsync(new GetLicenceRequest { Number = number });

        Assert.Equal(DecisionOutcome.UnderLicense, dryRun.Outcome);
        Assert.Empty(dryRun.ReservationId);
        Assert.Equal(DecisionOutcome.UnderLicense, decided.Outcome);
        Assert.Equal(8 * H100Tpp, reserved.Balance.Pending);
        Assert.Equal(2 * H100Tpp, reserved.Balance.Available);
        Assert.Equal(0, returned.Balance.Pending);
        Assert.Equal(0, returned.Balance.Committed);
        Assert.Equal(10 * H100Tpp, returned.Balance.Available);
    }

    [Fact]
    public async Task ExpiredLicence_NamedInTheReasons_TheOrderNeedsALicence()
    {
        var consignee = await ConsigneeWithoutLppAsync("kl-expired");
        var number = $"E{run}";
        await GrantAsync(Licence(number, consignee, tpp: 100 * H100Tpp, from: Day(2025, 1, 15), until: Day(2026, 1, 15)), ruleSet: "aid-2025");

        var decision = await stack.Client.DecideAsync(Order("lic-expired", consignee));

        Assert.Equal(DecisionOutcome.LicenseRequired, decision.Outcome);
        Assert.DoesNotContain(decision.Draws, d => d.BucketId == $"licence/{number}");
        var expired = Assert.Single(decision.Reasons, r => r.Code == "LICENCE.EXPIRED");
        Assert.Contains($"licence {number}: expired on 2026-01-15", expired.Message, StringComparison.Ordinal);
        Assert.Contains("750.7", expired.Citation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LicenceForAnotherDestination_NamedInTheReasons_TheOrderNeedsALicence()
    {
        var consignee = await ConsigneeWithoutLppAsync("kl-elsewhere");
        var number = $"W{run}";
        await GrantAsync(Licence(number, consignee, tpp: 100 * H100Tpp, destination: "TH"));

        var decision = await stack.Client.DecideAsync(Order("lic-dest", consignee));

        Assert.Equal(DecisionOutcome.LicenseRequired, decision.Outcome);
        var wrong = Assert.Single(decision.Reasons, r => r.Code == "LICENCE.WRONG_DESTINATION");
        Assert.Contains($"licence {number}: granted for TH, not MY", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LicenceForAnotherConsignee_NamedInTheReasons_TheOrderNeedsALicence()
    {
        var consignee = await ConsigneeWithoutLppAsync("kl-other");
        var number = $"K{run}";
        await GrantAsync(Licence(number, $"someone-else-{run}", tpp: 100 * H100Tpp));

        var decision = await stack.Client.DecideAsync(Order("lic-consignee", consignee));

        Assert.Equal(DecisionOutcome.LicenseRequired, decision.Outcome);
        var wrong = Assert.Single(decision.Reasons, r => r.Code == "LICENCE.WRONG_CONSIGNEE");
        Assert.Contains($"licence {number}: granted for consignee someone-else-{run}, not {consignee}", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LicenceBeyondTheCountryAllocation_FailedPreconditionNamingTheQuantity_NothingRecorded()
    {
        var number = $"X{run}";
        var countryBefore = await BalanceAsync(CountryBucket);

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Licences.RecordLicenceAsync(new RecordLicenceRequest { Licence = Licence(number, $"big-{run}", tpp: 10_000_000_000), RuleSet = RuleSet }).ResponseAsync);
        var lookup = await Assert.ThrowsAsync<RpcException>(() => Licences.GetLicenceAsync(new GetLicenceRequest { Number = number }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.StartsWith("licence.quantity: country/MY/2025-2027 has", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
        Assert.Equal(countryBefore.Committed, (await BalanceAsync(CountryBucket)).Committed);
    }

    [Theory]
    [InlineData("", "c", "MY", "consignee_id", true)]
    [InlineData("", "c", "ZZ", "destination_country", true)]
    [InlineData("exporter\u0001", "c", "MY", "exporter", true)]
    [InlineData("", "", "MY", "consignee_id", true)]
    [InlineData("units", "c", "MY", "licence.quantity_unit", false)]
    [InlineData("bad-number", "c", "MY", "licence.number", false)]
    [InlineData("no-coverage", "c", "MY", "licence.eccns", false)]
    [InlineData("bad-rule-set", "c", "MY", "rule_set", false)]
    public async Task BadInputToLicenceRpcs_InvalidArgumentNamingTheField(string variant, string consignee, string destination, string field, bool find)
    {
        RpcException error;
        if (find)
        {
            var request = new FindLicencesRequest { Exporter = variant, ConsigneeId = field == "consignee_id" ? "" : consignee, DestinationCountry = destination };
            error = await Assert.ThrowsAsync<RpcException>(() => Licences.FindLicencesAsync(request).ResponseAsync);
        }
        else
        {
            var licence = Licence($"B{run}", $"{consignee}-{run}", tpp: 1000);
            var ruleSet = RuleSet;
            switch (variant)
            {
                case "units":
                    licence.QuantityUnit = QuantityUnit.Units;   // Tier 2 under aid-2026 counts the allocation in TPP at grant
                    break;
                case "bad-number":
                    licence.Number = "no/slashes";
                    break;
                case "no-coverage":
                    licence.Eccns.Clear();
                    break;
                default:
                    ruleSet = "no-such-set";
                    break;
            }

            error = await Assert.ThrowsAsync<RpcException>(() => Licences.RecordLicenceAsync(new RecordLicenceRequest { Licence = licence, RuleSet = ruleSet }).ResponseAsync);
        }

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith($"{field}:", error.Status.Detail, StringComparison.Ordinal);
    }
}
