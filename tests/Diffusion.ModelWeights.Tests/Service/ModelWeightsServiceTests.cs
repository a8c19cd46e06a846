using Diffusion.Modelweights.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace Diffusion.ModelWeights.Tests.Service;

/// <summary>Calls the service over real gRPC (HTTP/2 on a socket), as other services and the CLI do.</summary>
public sealed class ModelWeightsServiceTests(ModelWeightsServiceFixture service) : IClassFixture<ModelWeightsServiceFixture>
{
    private static readonly Timestamp June2025 = Timestamp.FromDateTime(new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc));

    private static CallOptions Deadline => new(deadline: DateTime.UtcNow.AddSeconds(10));

    private static EvaluateModelRequest Frontier(double operations = 1e26) => new()
    {
        ModelName = "frontier",
        TrainingOperations = operations,
        DestinationCountry = "DE",
        RecipientHeadquartersCountry = "US",
        StorageMeetsSecurityStandards = true,
        AsOf = June2025,
        RuleSet = "aid-2025",
    };

    [Fact]
    public async Task Evaluate_Exactly1e26ToTier1Recipient_ControlledWithAia()
    {
        var response = await service.Client.EvaluateAsync(Frontier(), Deadline);
        Assert.True(response.Controlled);
        Assert.Equal("4E091", response.Eccn);
        Assert.True(response.LicenseRequired);
        Assert.Equal("AIA", response.LicenseException);
        Assert.Equal(1e26, response.CountedOperations);
        Assert.Equal("aid-2025", response.RuleSet);
        Assert.Contains(response.Reasons, r => r.Code == "4E091.THRESHOLD.MET" && r.Confidence == "R" && r.Citation.Contains("4E091", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Evaluate_LargestDoubleBelow1e26_NotControlled()
    {
        var response = await service.Client.EvaluateAsync(Frontier(Math.BitDecrement(1e26)), Deadline);
        Assert.False(response.Controlled);
        Assert.Equal("", response.Eccn);
        Assert.False(response.LicenseRequired);
    }

    [Fact]
    public async Task Evaluate_Tier3HeadquarteredRecipientInGermany_PresumptionOfDenial()
    {
        var request = Frontier(5e26);
        request.RecipientHeadquartersCountry = "CN";
        var response = await service.Client.EvaluateAsync(request, Deadline);
        Assert.Equal("", response.LicenseException);
        Assert.Equal("presumption of denial", response.ReviewPolicy);
        Assert.Contains(response.Reasons, r => r.Code == "4E091.REVIEW.HEADQUARTERS");
    }

    [Fact]
    public async Task Evaluate_AsOfOnly_ResolvesTheRuleSetInForce()
    {
        var request = Frontier();
        request.RuleSet = "";
        var response = await service.Client.EvaluateAsync(request, Deadline);
        Assert.Equal("aid-2025", response.RuleSet);
        Assert.True(response.Controlled);
    }

    [Theory]
    [InlineData("acr-2023")]
    [InlineData("acr-2026")]
    public async Task Evaluate_RuleSetWithout4E091_NotControlledWithReason(string ruleSet)
    {
        var request = Frontier(1e28);
        request.RuleSet = ruleSet;
        var response = await service.Client.EvaluateAsync(request, Deadline);
        Assert.False(response.Controlled);
        Assert.Equal(ruleSet, response.RuleSet);
        Assert.Equal("4E091.ABSENT", Assert.Single(response.Reasons).Code);
    }

    public static TheoryData<string, Action<EvaluateModelRequest>> BadRequests => new()
    {
        { "training_operations", r => r.TrainingOperations = -1 },
        { "training_operations", r => r.TrainingOperations = double.NaN },
        { "training_operations", r => r.TrainingOperations = double.PositiveInfinity },
        { "base_model_operations", r => { r.DerivedFromPublished = true; r.BaseModelOperations = double.NegativeInfinity; } },
        { "additional_operations", r => { r.DerivedFromPublished = true; r.BaseModelOperations = 1e26; r.AdditionalOperations = -5; } },
        { "synthetic_data_share", r => r.SyntheticDataShare = 1.5 },
        { "synthetic_data_share", r => r.SyntheticDataShare = double.NaN },
        { "generator_operations", r => r.GeneratorOperations = -1e20 },
        { "generation_operations", r => r.GenerationOperations = double.NaN },
        { "generator_operations_already_counted", r => { r.SyntheticDataShare = 0.5; r.GeneratorOperations = 5e26; r.GeneratorOperationsAlreadyCounted = 3e26; } },
        { "base_model_operations", r => r.BaseModelOperations = 1e25 },
        { "base_model_operations", r => r.DerivedFromPublished = true },
        { "destination_country", r => r.DestinationCountry = "" },
        { "destination_country", r => r.DestinationCountry = "Germany" },
        { "recipient_headquarters_country", r => r.RecipientHeadquartersCountry = "" },
        { "recipient_parent_headquarters_country", r => r.RecipientParentHeadquartersCountry = "cn" },
        { "rule_set", r => r.RuleSet = "aid-1999" },
        { "as_of", r => { r.RuleSet = ""; r.AsOf = Timestamp.FromDateTime(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc)); } },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Evaluate_BadRequest_InvalidArgumentNamingTheField(string field, Action<EvaluateModelRequest> spoil)
    {
        var request = Frontier(2e26);
        spoil(request);
        var error = await Assert.ThrowsAsync<RpcException>(() => service.Client.EvaluateAsync(request, Deadline).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_SyntheticDataFromUnpublishedGenerator_CountsTheGenerator()
    {
        // 9e25 own training; 20% on one unpublished generator's data: its 1e24 generation and 4e25 training count,
        // less 6e24 already in the declared total: 9e25 + 3.5e25 = 1.25e26.
        var request = Frontier(9e25);
        request.SyntheticDataShare = 0.2;
        request.GenerationOperations = 1e24;
        request.GeneratorOperations = 4e25;
        request.GeneratorOperationsAlreadyCounted = 6e24;
        var response = await service.Client.EvaluateAsync(request, Deadline);
        Assert.Equal(1.25e26, response.CountedOperations);
        Assert.True(response.Controlled);
        Assert.Contains(response.Reasons, r => r.Code == "4E091.SYNTHETIC_DATA.COUNTED");
    }

    [Fact]
    public async Task Evaluate_NotControlled_CountriesNotNeeded()
    {
        var response = await service.Client.EvaluateAsync(new EvaluateModelRequest { ModelName = "small", TrainingOperations = 1e24, AsOf = June2025 }, Deadline);
        Assert.False(response.Controlled);
    }

    [Fact]
    public async Task EvaluateTraining_Tier2CustomerAtThreshold_RedFlag28WithQuestions()
    {
        var response = await service.Client.EvaluateTrainingAsync(new EvaluateTrainingRequest
        {
            CustomerName = "customer",
            PlannedTrainingOperations = 1e26,
            CustomerHeadquartersCountry = "AE",
            AsOf = June2025,
            RuleSet = "aid-2025",
        }, Deadline);
        Assert.True(response.RedFlag);
        Assert.Equal("RED_FLAG_28", response.RedFlagId);
        Assert.True(response.ExceedsThreshold);
        Assert.NotEmpty(response.RequiredInquiries);
    }

    [Fact]
    public async Task EvaluateTraining_MissingHeadquarters_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => service.Client.EvaluateTrainingAsync(
            new EvaluateTrainingRequest { PlannedTrainingOperations = 1e26, AsOf = June2025 }, Deadline).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("customer_headquarters_country:", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_NegativeZeroOperations_CountAsZero()
    {
        // Google.Protobuf never writes -0.0 (it equals the default), so the wire bytes are written here, as any
        // other client (Python, Go) sends them: the request, then fields 5, 6 and 13 as a double -0.0 (last one wins).
        var negativeZero = BitConverter.GetBytes(-0.0);
        var plain = Frontier(2e26);
        var withNegativeZeros = plain.ToByteArray()
            .Concat(new byte[] { (5 << 3) | 1 }).Concat(negativeZero)
            .Concat(new byte[] { (6 << 3) | 1 }).Concat(negativeZero)
            .Concat(new byte[] { (13 << 3) | 1 }).Concat(negativeZero)
            .ToArray();
        var derived = Frontier(2e26);
        derived.DerivedFromPublished = true;
        var derivedWithNegativeZero = derived.ToByteArray().Concat(new byte[] { (5 << 3) | 1 }).Concat(negativeZero).ToArray();
        var evaluate = new Method<byte[], EvaluateModelResponse>(
            MethodType.Unary, ModelWeightsService.Descriptor.FullName, "Evaluate",
            Marshallers.Create(b => b, b => b),
            Marshallers.Create((EvaluateModelResponse r) => r.ToByteArray(), EvaluateModelResponse.Parser.ParseFrom));
        using var channel = GrpcChannel.ForAddress(service.Address, Diffusion.Testing.Auth.TestTokens.WithToken());
        var invoker = channel.CreateCallInvoker();

        var response = await invoker.AsyncUnaryCall(evaluate, null, Deadline, withNegativeZeros);
        var error = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(evaluate, null, Deadline, derivedWithNegativeZero).ResponseAsync);

        Assert.Equal(await service.Client.EvaluateAsync(plain, Deadline), response);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("base_model_operations: must be > 0", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_HostileNames_InvalidArgumentWithABoundedMessage()
    {
        var request = Frontier();
        request.ModelName = "m\0";
        var error = await Assert.ThrowsAsync<RpcException>(() => service.Client.EvaluateAsync(request, Deadline).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("model_name:", error.Status.Detail, StringComparison.Ordinal);

        request = Frontier();
        request.DestinationCountry = new string('D', 100_000);
        error = await Assert.ThrowsAsync<RpcException>(() => service.Client.EvaluateAsync(request, Deadline).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("destination_country:", error.Status.Detail, StringComparison.Ordinal);
        Assert.True(error.Status.Detail.Length < 300, $"{error.Status.Detail.Length} characters");
    }

    [Fact]
    public async Task HostileRuleSet_InvalidArgumentWithABoundedMessage()
    {
        var evaluate = Frontier();
        evaluate.RuleSet = new string('r', 100_000);
        var training = new EvaluateTrainingRequest { PlannedTrainingOperations = 1e26, CustomerHeadquartersCountry = "CN", RuleSet = "aid-2026\0" };

        foreach (var call in new Func<Task>[] { () => service.Client.EvaluateAsync(evaluate, Deadline).ResponseAsync, () => service.Client.EvaluateTrainingAsync(training, Deadline).ResponseAsync })
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.StartsWith("rule_set:", error.Status.Detail, StringComparison.Ordinal);
            Assert.True(error.Status.Detail.Length < 300, $"{error.Status.Detail.Length} characters");
        }
    }
}
