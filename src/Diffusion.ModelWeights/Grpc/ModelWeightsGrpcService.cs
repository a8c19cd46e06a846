using Diffusion.Modelweights.V1;
using Diffusion.Rules;
using Diffusion.Rules.ModelWeights;
using Diffusion.ServiceDefaults;
using Grpc.Core;

namespace Diffusion.ModelWeights.Grpc;

/// <summary>
/// The ECCN 4E091 service: an adapter that validates the request's shape, maps it to the domain, runs the
/// <see cref="ModelWeightsEvaluator"/> under the requested rule set and maps the answer back. Business outcomes
/// (controlled, licence required, presumption of denial, red flag) are answers; only malformed requests are errors.
/// </summary>
internal sealed partial class ModelWeightsGrpcService(
    RuleSetRegistry registry,
    ModelWeightsEvaluator evaluator,
    TimeProvider timeProvider,
    ILogger<ModelWeightsGrpcService> logger) : ModelWeightsService.ModelWeightsServiceBase
{
    public override Task<EvaluateModelResponse> Evaluate(EvaluateModelRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var asOf = ModelWeightsMapping.AsOf(request.AsOf, timeProvider);
        var ruleSet = Resolve(request.RuleSet, asOf);
        var model = request.ToDomain();
        request.ValidateCountryShapes();

        if (!ruleSet.TryGet<ModelWeightsRules>(out var rules))
        {
            Log.NotInRuleSet(logger, ruleSet.Id);
            return Task.FromResult(ModelWeightsEvaluator.NotInRuleSet(ruleSet.Id).ToProto(ruleSet.Id));
        }

        var control = evaluator.Classify(model, rules, asOf);
        var export = control.Controlled ? request.ToExport(ruleSet.DestinationsOn(asOf)) : null;
        var decision = evaluator.Decide(control, model, export, rules, asOf);
        Log.Evaluated(logger, ruleSet.Id, decision.Controlled, decision.LicenseException, decision.ReviewPolicy);
        return Task.FromResult(decision.ToProto(ruleSet.Id));
    }

    public override Task<EvaluateTrainingResponse> EvaluateTraining(EvaluateTrainingRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var asOf = ModelWeightsMapping.AsOf(request.AsOf, timeProvider);
        var ruleSet = Resolve(request.RuleSet, asOf);
        if (!ruleSet.TryGet<ModelWeightsRules>(out var rules))
        {
            // Still reject malformed input: the same request must not be valid under one rule set only.
            request.ValidateShape();
            Log.NotInRuleSet(logger, ruleSet.Id);
            return Task.FromResult(ModelWeightsEvaluator.TrainingNotInRuleSet(ruleSet.Id).ToProto(ruleSet.Id));
        }

        var run = request.ToDomain(ruleSet.DestinationsOn(asOf));
        var assessment = evaluator.Assess(run, rules, asOf);
        Log.TrainingAssessed(logger, ruleSet.Id, assessment.RedFlag);
        return Task.FromResult(assessment.ToProto(ruleSet.Id));
    }

    private RuleSet Resolve(string ruleSetId, DateOnly asOf)
    {
        if (RequestText.Problem(ruleSetId) is { } problem)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"rule_set: {problem}"));
        }

        try
        {
            return registry.Resolve(ruleSetId, asOf);
        }
        catch (RuleSetResolutionException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
    }

    // Debug: one line per call on every order's path (Decisions' audit trail keeps what was decided); at Information
    // they were a measurable part of an order book's cost.
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "4E091 evaluated under {RuleSet}: controlled={Controlled} exception={LicenseException} review={ReviewPolicy}")]
        public static partial void Evaluated(ILogger logger, string ruleSet, bool controlled, string licenseException, string reviewPolicy);

        [LoggerMessage(2, LogLevel.Debug, "Red Flag 28 assessed under {RuleSet}: raised={RedFlag}")]
        public static partial void TrainingAssessed(ILogger logger, string ruleSet, bool redFlag);

        [LoggerMessage(3, LogLevel.Debug, "Rule set {RuleSet} has no 4E091: not controlled")]
        public static partial void NotInRuleSet(ILogger logger, string ruleSet);
    }
}
