using System.Text;
using Diffusion.Decisions.Tests.Scenarios;
using Diffusion.Decisions.V1;
using Diffusion.Screening.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Diffusion.Decisions.Tests.Screening;

/// <summary>
/// Restricted-party screening over the running services (issue 14): the consignee and named parties of every Decide
/// against the list EndUsers keeps (at start, the sample shipped in rules/restricted-parties.json).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ScreeningScenarioTests(DiffusionStack stack)
{
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    private ScreeningService.ScreeningServiceClient Screening => new(stack.EndUsers.Channel);

    private DecideRequest Order(string name, string consigneeName, string consigneeId = "") => new()
    {
        OrderId = $"{name}-{run}",
        DestinationCountry = "MY",
        Consignee = new Consignee { Id = consigneeId.Length > 0 ? consigneeId : $"{name}-c-{run}", HeadquartersCountry = "MY", Name = consigneeName },
        AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)),
        Items = { new OrderItem { KnownChip = "NVIDIA H100 SXM", Quantity = 8 } },
    };

    [Fact]
    public async Task EntityListConsignee_ExactName_LicenceRequiredUnderTheEntrysPolicy_NothingReserved()
    {
        var decision = await stack.Client.DecideAsync(Order("el-exact", "HUAWEI TECHNOLOGIES CO LTD"));

        Assert.Equal(DecisionOutcome.LicenseRequired, decision.Outcome);
        Assert.Equal("Presumption of denial", decision.ReviewPolicy);
        Assert.Empty(decision.Draws);
        Assert.Empty(decision.ReservationId);
        var reason = Assert.Single(decision.Reasons, r => r.Code == "SCREENING.ENTITY_LIST");
        Assert.Contains("84 FR 22961", reason.Citation, StringComparison.Ordinal);
        Assert.Contains("744", reason.Citation, StringComparison.Ordinal);
        Assert.Contains("Entity List", reason.Message, StringComparison.Ordinal);
        Assert.Contains("For all items subject to the EAR", reason.Message, StringComparison.Ordinal);
        Assert.Equal(ScreeningVerdict.Match, decision.Screening.Verdict);
        Assert.Equal("sample-el-huawei-technologies", Assert.Single(decision.Screening.Matches).EntryId);
    }

    [Fact]
    public async Task EntityListConsignee_Alias_LicenceRequired()
    {
        var decision = await stack.Client.DecideAsync(Order("el-alias", "S.M.I.C."));

        Assert.Equal(DecisionOutcome.LicenseRequired, decision.Outcome);
        var reason = Assert.Single(decision.Reasons, r => r.Code == "SCREENING.ENTITY_LIST");
        Assert.Contains("matched alias 'SMIC'", reason.Message, StringComparison.Ordinal);
        Assert.Contains("85 FR 83416", reason.Citation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EntityListConsignee_NearMissName_HeldForReview()
    {
        var decision = await stack.Client.DecideAsync(Order("el-near", "Nettrix Informaton Industry (Beijing) Co."));

        Assert.Equal(DecisionOutcome.HeldForReview, decision.Outcome);
        Assert.Empty(decision.ReservationId);
        var match = Assert.Single(decision.Screening.Matches);
        Assert.False(match.Exact);
        Assert.InRange(match.Score, decision.Screening.Threshold, 0.9999);
        Assert.Contains(decision.Reasons, r => r.Code == "SCREENING.POSSIBLE_MATCH" && r.Citation.Contains("90 FR 14046", StringComparison.Ordinal));
        Assert.Contains(decision.Questions, q => q.Code == "SCREENING.REVIEW");
    }

    [Fact]
    public async Task NamedEndUser_OnTheList_HeldOrLicenceRequiredLikeTheConsignee()
    {
        var order = Order("el-enduser", "Kuala Lumpur Cloud Sdn Bhd");
        order.Parties.Add(new Party { Role = "end_user", Name = "Sophgo Technologies Ltd", Country = "CN" });

        var decision = await stack.Client.DecideAsync(order);

        Assert.Equal(DecisionOutcome.LicenseRequired, decision.Outcome);
        Assert.Equal("end_user", Assert.Single(decision.Screening.Matches).PartyRole);
    }

    [Fact]
    public async Task UnrelatedConsignee_Clear_DecidedAsUsualWithTheScreeningReason()
    {
        var decision = await stack.Client.DecideAsync(Order("clear", "Kuala Lumpur Cloud Sdn Bhd"));

        Assert.Equal("LPP", decision.LicenseException);
        Assert.NotEmpty(decision.ReservationId);
        Assert.Equal(ScreeningVerdict.Clear, decision.Screening.Verdict);
        Assert.Contains(decision.Reasons, r => r.Code == "SCREENING.CLEAR");
    }

    [Fact]
    public async Task ClearedFalsePositive_TheConsigneeIsDecidedAsUsual_WhoWhenWhyRecorded()
    {
        var consignee = $"nettrix-lookalike-{run}";
        var held = await stack.Client.DecideAsync(Order("fp-1", "Nettrix Informaton Industry (Beijing) Co.", consignee));
        Assert.Equal(DecisionOutcome.HeldForReview, held.Outcome);

        var clearance = await Screening.ClearMatchAsync(new ClearMatchRequest
        {
            ConsigneeId = consignee,
            EntryId = "sample-el-nettrix",
            Reason = "different company: Malaysian registration 2019-0042, no Beijing parent (checked 2026-03-02)",
        });
        var again = await stack.Client.DecideAsync(Order("fp-2", "Nettrix Informaton Industry (Beijing) Co.", consignee));
        var other = await stack.Client.DecideAsync(Order("fp-3", "Nettrix Informaton Industry (Beijing) Co."));
        var listed = await Screening.ListClearancesAsync(new ListClearancesRequest { ConsigneeId = consignee });

        Assert.Equal("LPP", again.LicenseException);
        Assert.Equal(ScreeningVerdict.Clear, again.Screening.Verdict);
        var cleared = Assert.Single(again.Reasons, r => r.Code == "SCREENING.CLEARED");
        Assert.Contains(clearance.Officer, cleared.Message, StringComparison.Ordinal);
        Assert.Contains("different company", cleared.Message, StringComparison.Ordinal);
        Assert.NotEqual("unknown", clearance.Officer);
        Assert.NotNull(clearance.ClearedAt);
        Assert.Equal(DecisionOutcome.HeldForReview, other.Outcome);   // cleared for that consignee only
        Assert.Equal(clearance, Assert.Single(listed.Clearances));
    }

    [Fact]
    public async Task NewerList_ReScreensOpenOrders_AndConfirmRefusesAnOrderThatNoLongerClears()
    {
        var name = $"Zeta Compute {run} Ltd";
        var order = Order("rescreen", name);
        var decided = await stack.Client.DecideAsync(order);
        Assert.Equal(ScreeningVerdict.Clear, decided.Screening.Verdict);
        Assert.NotEmpty(decided.ReservationId);

        var loaded = await Screening.LoadListAsync(new LoadListRequest
        {
            Format = "json",
            Content = ByteString.CopyFrom(NewerList(name)),
            Source = "test: newer list",
        });
        var kept = await Screening.GetScreeningAsync(new GetScreeningRequest { OrderId = order.OrderId });
        var confirm = await Assert.ThrowsAsync<RpcException>(() => stack.Client.ConfirmAsync(new ConfirmRequest { OrderId = order.OrderId }).ResponseAsync);
        var reservation = await stack.QuotaClient.GetReservationAsync(new Quota.V1.GetReservationRequest { ReservationId = decided.ReservationId });

        Assert.True(loaded.Current);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), loaded.PublishedAt.ToDateTimeOffset());
        Assert.Contains(loaded.Rescreened, s => s.OrderId == order.OrderId && s.Verdict == ScreeningVerdict.Match);
        Assert.Equal(ScreeningVerdict.Match, kept.Verdict);
        Assert.Equal(StatusCode.FailedPrecondition, confirm.StatusCode);
        Assert.Contains("no longer clears screening", confirm.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(Quota.V1.ReservationState.Pending, reservation.State);
    }

    [Fact]
    public async Task LoadList_Csv_OlderThanTheCurrentList_IsKeptButNotCurrent()
    {
        var csv = """
            _id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids
            csv-1,Entity List (EL) - Bureau of Industry and Security,,Entity,EAR,"Old Listed Co., Ltd.",,"1 Road, Shenzhen, CN",84 FR 1,2019-01-01,,,For all items subject to the EAR,Presumption of denial,,,,,,,,,Old Listed;OLC,,,,,,
            """;

        var loaded = await Screening.LoadListAsync(new LoadListRequest
        {
            Format = "csv",
            Content = ByteString.CopyFromUtf8(csv.ReplaceLineEndings("\n")),
            PublishedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2019, 2, 1, 0, 0, 0, TimeSpan.Zero)),
        });
        var missingDate = await Assert.ThrowsAsync<RpcException>(() => Screening.LoadListAsync(new LoadListRequest { Format = "csv", Content = ByteString.CopyFromUtf8(csv) }).ResponseAsync);
        var badFormat = await Assert.ThrowsAsync<RpcException>(() => Screening.LoadListAsync(new LoadListRequest { Format = "xml", Content = ByteString.CopyFromUtf8("<x/>") }).ResponseAsync);

        Assert.Equal(1u, loaded.Entries);
        Assert.False(loaded.Current);
        Assert.Equal(StatusCode.InvalidArgument, missingDate.StatusCode);
        Assert.StartsWith("published_at:", missingDate.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("format:", badFormat.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadParties_InvalidArgumentNamingTheField()
    {
        var order = Order("bad-party", "Kuala Lumpur Cloud Sdn Bhd");
        order.Parties.Add(new Party { Role = "end_user", Name = "" });
        var clear = await Assert.ThrowsAsync<RpcException>(() => Screening.ClearMatchAsync(new ClearMatchRequest { ConsigneeId = "c", EntryId = "sample-el-smic" }).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Screening.ClearMatchAsync(new ClearMatchRequest { ConsigneeId = "c", EntryId = "no-such-entry", Reason = "x" }).ResponseAsync);

        var e = await Assert.ThrowsAsync<RpcException>(() => stack.Client.DecideAsync(order).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("parties[0].name:", e.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("reason:", clear.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.StartsWith("entry_id:", unknown.Status.Detail, StringComparison.Ordinal);
    }

    // The shipped sample plus one new Entity List entry, published later: a superset, so the other tests see the same entries.
    private static byte[] NewerList(string name)
    {
        var shipped = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Rules.RulesDirectory.Locate(), "restricted-parties.json")))!.AsObject();
        shipped["sources_used"] = new System.Text.Json.Nodes.JsonArray(System.Text.Json.Nodes.JsonNode.Parse("""{ "source": "Entity List (EL) - Bureau of Industry and Security", "source_last_updated": "2026-11-30T00:00:00Z" }"""));
        shipped["results"]!.AsArray().Add(System.Text.Json.Nodes.JsonNode.Parse($$"""
            { "id": "test-el-zeta-{{Guid.NewGuid():N}}", "source": "Entity List (EL) - Bureau of Industry and Security", "name": "{{name}}",
              "federal_register_notice": "99 FR 1 (test)", "start_date": "2026-11-30", "license_requirement": "For all items subject to the EAR",
              "license_policy": "Presumption of denial" }
            """));
        return Encoding.UTF8.GetBytes(shipped.ToJsonString());
    }
}
