using Diffusion.Rules;
using Diffusion.Rules.Hosting;
using Diffusion.Rules.ModelWeights;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Diffusion.ModelWeights;

/// <summary>All DI wiring of the model-weights service; Program.cs and the tests call the same method.</summary>
public static class ModelWeightsServiceExtensions
{
    /// <summary>
    /// Registers the rules (loaded and validated at start, including the model-weights checks across rule sets),
    /// the 4E091 evaluator, the clock and the gRPC server. The service needs no database or cache.
    /// </summary>
    public static IHostApplicationBuilder AddModelWeightsServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDiffusionRules(builder.Configuration);
        builder.Services.AddHostedService<ModelWeightsRulesStartupValidation>();
        builder.Services.AddSingleton(ModelWeightsEvaluator.Default);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddGrpcAnsweringMalformedRequests();
        return builder;
    }

    // The checks a single file cannot make (the published-model threshold never decreasing from one rule set to the
    // next, tiers present wherever 4E091 is): a violation stops the service at boot naming file, field and problem.
    private sealed class ModelWeightsRulesStartupValidation(RuleSetRegistry registry) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            ModelWeightsRuleSetValidation.Validate(registry);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
