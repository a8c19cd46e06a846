using Diffusion.Classification.V1;
using Diffusion.Rules;
using Diffusion.Rules.Classification;
using Diffusion.Rules.Classification.Foundry;
using Diffusion.Rules.Hosting;
using Diffusion.ServiceDefaults;
using Grpc.Core;

namespace Diffusion.Classification.Grpc;

/// <summary>
/// gRPC adapter of <c>diffusion.classification.v1.ClassificationService</c>: validates the request's shape, resolves
/// the rule set, classifies with <see cref="ClassificationEvaluator"/> and maps back. Business outcomes (outside 3A090,
/// no licence exception) are answers; only malformed requests get error statuses.
/// </summary>
public sealed class ClassificationGrpcService(RuleSetRegistry registry, ChipCatalog catalog, TimeProvider clock)
    : ClassificationService.ClassificationServiceBase
{
    /// <summary>The most items one ClassifyBatch may hold (an order's 1,000 lines of up to 100 assembly parts each).</summary>
    public const int MaxBatchItems = 100_000;

    /// <inheritdoc />
    public override Task<ClassifyResponse> Classify(ClassifyRequest request, ServerCallContext context) =>
        Task.FromResult(Answer(request));

    /// <inheritdoc />
    public override Task<ClassifyBatchResponse> ClassifyBatch(ClassifyBatchRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Items.Count is 0 or > MaxBatchItems)
        {
            throw ClassificationMapping.InvalidArgument("items", $"1 to {MaxBatchItems} items, got {request.Items.Count}");
        }

        var response = new ClassifyBatchResponse();
        foreach (var item in request.Items)
        {
            ClassifyResult result;
            try
            {
                result = new ClassifyResult { Classification = Answer(item) };
            }
            catch (RpcException e)
            {
                result = new ClassifyResult { Error = e.Status.ToItemError() };
            }

            response.Results.Add(result);
        }

        return Task.FromResult(response);
    }

    // What Classify answers for one item; a bad item throws the RpcException Classify fails with.
    private ClassifyResponse Answer(ClassifyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var day = request.AsOf.ToAsOfDay(clock);
        var ruleSet = Resolve(request, day);
        var rules = ruleSet.Get<ClassificationRules>();
        try
        {
            return ClassifyItem(request, ruleSet, rules, Foundry(request, ruleSet, day));
        }
        catch (OverflowException)
        {
            // Decimal arithmetic is checked: figures each in range can still combine past it (a huge TPP on a tiny die).
            throw ClassificationMapping.InvalidArgument(request.ItemCase == ClassifyRequest.ItemOneofCase.Memory ? "memory" : "chip",
                "the figures combine to a value out of range (TPP or density beyond 7.9e28)");
        }
    }

    private ClassifyResponse ClassifyItem(ClassifyRequest request, RuleSet ruleSet, ClassificationRules rules, FoundryAssessment? foundry)
    {
        switch (request.ItemCase)
        {
            case ClassifyRequest.ItemOneofCase.Chip:
                return ClassificationEvaluator.Classify(request.Chip.ToDomain(), rules, foundry).ToProto(ruleSet);
            case ClassifyRequest.ItemOneofCase.Memory:
                return ClassificationEvaluator.Classify(request.Memory.ToDomain(), rules).ToProto(ruleSet);
            case ClassifyRequest.ItemOneofCase.KnownChip:
                var spec = Find(request.KnownChip).ToSpec();
                var response = ClassificationEvaluator.Classify(spec, rules, foundry).ToProto(ruleSet);
                response.Chip = spec.ToProto();
                return response;
            default:
                throw ClassificationMapping.InvalidArgument("item", "one of chip, memory or known_chip is required");
        }
    }

    /// <inheritdoc />
    public override Task<ListKnownChipsResponse> ListKnownChips(ListKnownChipsRequest request, ServerCallContext context)
    {
        var response = new ListKnownChipsResponse();
        response.Chips.AddRange(catalog.Chips.Select(c => c.ToProto()));
        return Task.FromResult(response);
    }

    // The fabricator's facts with the presumption's rule data and the day of export; null when the request has none.
    private static FoundryAssessment? Foundry(ClassifyRequest request, RuleSet ruleSet, DateOnly day)
    {
        if (request.Foundry is null)
        {
            return null;
        }

        if (request.ItemCase == ClassifyRequest.ItemOneofCase.Memory)
        {
            throw ClassificationMapping.InvalidArgument("foundry", "the front-end fabricator/OSAT presumption applies to chips (chip or known_chip), not to memory");
        }

        var facts = request.Foundry.ToDomain();
        return ruleSet.Shared.FoundryPresumption is { } data
            ? new FoundryAssessment(facts, data, day)
            : throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"foundry: this server's rule data has no {FoundryPresumptionData.FileName}, so it cannot apply Note 1 to 3A090.a"));
    }

    private RuleSet Resolve(ClassifyRequest request, DateOnly asOf)
    {
        if (RequestText.Problem(request.RuleSet) is { } problem)
        {
            throw ClassificationMapping.InvalidArgument("rule_set", problem);
        }

        try
        {
            return registry.Resolve(request.RuleSet, asOf);
        }
        catch (RuleSetResolutionException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
    }

    private Rules.Classification.KnownChip Find(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw ClassificationMapping.InvalidArgument("known_chip", "must name a chip of the catalogue (see ListKnownChips)");
        }

        if (RequestText.Problem(name) is { } problem)
        {
            throw ClassificationMapping.InvalidArgument("known_chip", problem);
        }

        return catalog.Find(name) ?? throw new RpcException(new Status(StatusCode.NotFound,
            $"known_chip: no chip named {RequestText.Quote(name)} in the catalogue (known: {string.Join(", ", catalog.Chips.Select(c => c.Name))})"));
    }
}
