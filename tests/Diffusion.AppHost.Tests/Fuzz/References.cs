using Diffusion.Classification.V1;
using Diffusion.Decisions.V1;
using Diffusion.Endusers.V1;
using Diffusion.Modelweights.V1;
using Diffusion.Quota.V1;
using Google.Protobuf;
using Grpc.Net.Client;

namespace Diffusion.AppHost.Tests.Fuzz;

/// <summary>
/// Known answers a hostile run must not change: a chip's classification, a model's 4E091 evaluation, dry-run decisions
/// for a Tier 1 and a Tier 3 destination, an NVEU's deployment check and an LPP bucket's balance. Their ids
/// ("ref-&lt;run&gt;") are outside the fuzzer's id pool ("fuzz-&lt;run&gt;-n"), so only a fault could change them.
/// </summary>
internal sealed class References(IReadOnlyDictionary<string, GrpcChannel[]> channels, string run)
{
    private readonly string id = $"ref-{run}";
    private bool registered;

    /// <summary>Every reference answer, as JSON (readable when one differs).</summary>
    public async Task<IReadOnlyList<string>> AnswersAsync(CancellationToken cancellationToken)
    {
        var classification = new ClassificationService.ClassificationServiceClient(channels["classification"][0]);
        var modelWeights = new ModelWeightsService.ModelWeightsServiceClient(channels["modelweights"][0]);
        var decisions = new DecisionService.DecisionServiceClient(channels["decisions"][0]);
        var endUsers = new EndUserService.EndUserServiceClient(channels["endusers"][0]);
        var quota = new QuotaService.QuotaServiceClient(channels["quota"][0]);
        if (!registered)
        {
            var veu = await endUsers.RegisterVeuAsync(new RegisterVeuRequest
            {
                AsOf = Orders.AsOf,
                Veu = new Veu { Id = id, Kind = VeuKind.Nveu, Name = "DC " + id, HeadquartersCountry = "IN", AuthorizedCountries = { "IN" }, ValidFrom = Orders.VeuValidFrom },
            }, deadline: Deadline(), cancellationToken: cancellationToken);
            Assert.True(veu.Registered);
            registered = true;
        }

        IMessage[] answers =
        [
            await classification.ClassifyAsync(new ClassifyRequest { KnownChip = "NVIDIA H100 SXM", AsOf = Orders.AsOf }, deadline: Deadline(), cancellationToken: cancellationToken),
            await modelWeights.EvaluateAsync(new EvaluateModelRequest
            {
                ModelName = id, TrainingOperations = 2e26, DestinationCountry = "AE", RecipientHeadquartersCountry = "AE", AsOf = Orders.AsOf,
            }, deadline: Deadline(), cancellationToken: cancellationToken),
            await decisions.DecideAsync(DryRun("DE"), deadline: Deadline(), cancellationToken: cancellationToken),
            await decisions.DecideAsync(DryRun("CN"), deadline: Deadline(), cancellationToken: cancellationToken),
            await endUsers.CheckDeploymentAsync(new CheckDeploymentRequest { VeuId = id, Country = "IN", Tpp = 100_000, AsOf = Orders.AsOf }, deadline: Deadline(), cancellationToken: cancellationToken),
            await quota.GetBalanceAsync(new GetBalanceRequest { BucketId = $"lpp/{id}/2026" }, deadline: Deadline(), cancellationToken: cancellationToken),
        ];
        return answers.Select(a => JsonFormatter.Default.Format(a)).ToList();
    }

    private DecideRequest DryRun(string country)
    {
        var order = Orders.Lpp(id, 8);
        order.DestinationCountry = country;
        order.Consignee.HeadquartersCountry = country;
        order.DryRun = true;
        return order;
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);
}
