using Diffusion.Decisions.Tests.Scenarios;
using Diffusion.Decisions.V1;
using Diffusion.Endusers.V1;
using Diffusion.Modelweights.V1;
using Diffusion.Quota.V1;
using Diffusion.Rules.Countries;
using Grpc.Core;

namespace Diffusion.Decisions.Tests.Gaps;

/// <summary>
/// Codes that look like ISO 3166-1 alpha-2 but are not assigned (user-assigned ZZ, XK, QM; reserved EU, UK) are refused
/// by every service that takes a country, naming the field (the list is data: rules/iso-3166-1.json). Classification
/// takes no country.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class CountryCodeTests(DiffusionStack stack)
{
    public static TheoryData<string> Unassigned => ["ZZ", "XK", "QM", "EU", "UK", "AA"];

    [Fact]
    public void TheList_HoldsTheAssignedCodesOnly()
    {
        Assert.Equal(249, Iso3166.Count);
        Assert.True(Iso3166.IsAssigned("AE"));
        Assert.True(Iso3166.IsAssigned("MO"));
        Assert.True(Iso3166.IsAssigned("GB"));
        Assert.False(Iso3166.IsAssigned("UK"));
        Assert.False(Iso3166.IsAssigned("ae"));
        Assert.Equal("United Arab Emirates", Iso3166.NameOf("AE"));
    }

    [Theory]
    [MemberData(nameof(Unassigned))]
    public async Task Decisions_UnassignedDestination_InvalidArgumentNamingTheField(string code)
    {
        var order = new DecideRequest
        {
            OrderId = $"cc-{code}-{Guid.NewGuid():N}",
            DestinationCountry = code,
            Consignee = new Consignee { Id = "c1", HeadquartersCountry = "AE" },
            Items = { new OrderItem { KnownChip = "NVIDIA H100 SXM", Quantity = 1 } },
        };

        var e = await Assert.ThrowsAsync<RpcException>(() => stack.Client.DecideAsync(order).ResponseAsync);

        AssertNamesField(e, "destination_country");
    }

    [Theory]
    [MemberData(nameof(Unassigned))]
    public async Task Decisions_UnassignedHeadquarters_InvalidArgumentNamingTheField(string code)
    {
        var order = new DecideRequest
        {
            OrderId = $"cchq-{code}-{Guid.NewGuid():N}",
            DestinationCountry = "AE",
            Consignee = new Consignee { Id = "c1", HeadquartersCountry = code },
            Items = { new OrderItem { KnownChip = "NVIDIA H100 SXM", Quantity = 1 } },
        };

        var e = await Assert.ThrowsAsync<RpcException>(() => stack.Client.DecideAsync(order).ResponseAsync);

        AssertNamesField(e, "consignee.headquarters_country");
    }

    [Theory]
    [MemberData(nameof(Unassigned))]
    public async Task ModelWeights_UnassignedDestination_InvalidArgumentNamingTheField(string code)
    {
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(stack.Addresses["modelweights"], Diffusion.Testing.Auth.TestTokens.WithToken());
        var client = new ModelWeightsService.ModelWeightsServiceClient(channel);
        var request = new EvaluateModelRequest
        {
            ModelName = "m",
            TrainingOperations = 3e26,
            DestinationCountry = code,
            RecipientHeadquartersCountry = "US",
        };

        var e = await Assert.ThrowsAsync<RpcException>(() => client.EvaluateAsync(request).ResponseAsync);

        AssertNamesField(e, "destination_country");
    }

    [Theory]
    [MemberData(nameof(Unassigned))]
    public async Task EndUsers_UnassignedCountries_InvalidArgumentNamingTheField(string code)
    {
        var register = await Assert.ThrowsAsync<RpcException>(() => stack.EndUsersClient.RegisterVeuAsync(new RegisterVeuRequest
        {
            Veu = new Veu { Id = $"cc-{Guid.NewGuid():N}", Kind = VeuKind.Nveu, Name = "x", HeadquartersCountry = code, AuthorizedCountries = { "IN" } },
        }).ResponseAsync);
        var check = await Assert.ThrowsAsync<RpcException>(() => stack.EndUsersClient.CheckDeploymentAsync(new CheckDeploymentRequest
        {
            VeuId = "any",
            Country = code,
            Tpp = 1,
        }).ResponseAsync);

        AssertNamesField(register, "veu.headquarters_country");
        AssertNamesField(check, "country");
    }

    [Theory]
    [MemberData(nameof(Unassigned))]
    public async Task Quota_BucketOfAnUnassignedCountry_InvalidArgumentNamingTheField(string code)
    {
        var balance = await Assert.ThrowsAsync<RpcException>(() => stack.QuotaClient.GetBalanceAsync(new GetBalanceRequest { BucketId = $"country/{code}/2025-2027" }).ResponseAsync);
        var set = await Assert.ThrowsAsync<RpcException>(() => stack.QuotaClient.SetAllocationAsync(new SetAllocationRequest { BucketId = $"nveu/v1/{code}", Cap = 1, Reason = "test" }).ResponseAsync);

        AssertNamesField(balance, "bucket_id");
        AssertNamesField(set, "bucket_id");
    }

    private static void AssertNamesField(RpcException e, string field)
    {
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(field, e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("ISO 3166-1", e.Status.Detail, StringComparison.Ordinal);
    }
}
