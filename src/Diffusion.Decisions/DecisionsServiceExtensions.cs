using Diffusion.Classification.V1;
using Diffusion.Decisions.Audit;
using Diffusion.Decisions.Composition;
using Diffusion.Decisions.Streaming;
using Diffusion.Endusers.V1;
using Diffusion.Modelweights.V1;
using Diffusion.Quota.V1;
using Diffusion.Rules.Hosting;
using Diffusion.Storage.Audit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Diffusion.Decisions;

/// <summary>All of the Decisions service's wiring, shared by Program.cs and the tests.</summary>
public static class DecisionsServiceExtensions
{
    /// <summary>
    /// Registers the gRPC server, the rules, the clients of Classification, ModelWeights, EndUsers and Quota (found
    /// through <c>services__&lt;name&gt;__grpc__0</c>), the audit trail in PostgreSQL (<c>ConnectionStrings:ledger</c>,
    /// the database Quota and EndUsers audit to; its schema is applied by the first write; at most
    /// <c>Audit:QueueCapacity</c> rows wait for their commit), the checkpoints signed every
    /// <c>Audit:CheckpointInterval</c> with <c>Audit:CheckpointKey</c>, and the decision composition.
    /// </summary>
    public static IHostApplicationBuilder AddDecisionsServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<DecisionsOptions>()
            .Bind(builder.Configuration.GetSection(DecisionsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddGrpcAnsweringMalformedRequests();
        builder.Services.AddDiffusionRules(builder.Configuration);
        builder.AddGrpcServiceClient<ClassificationService.ClassificationServiceClient>("classification");
        builder.AddGrpcServiceClient<ModelWeightsService.ModelWeightsServiceClient>("modelweights");
        builder.AddGrpcServiceClient<EndUserService.EndUserServiceClient>("endusers");
        builder.AddGrpcServiceClient<QuotaService.QuotaServiceClient>("quota");
        builder.AddNpgsqlDataSource("ledger");
        builder.Services.AddSingleton<IAuditTrail>(services => new AuditWriter(
            services.GetRequiredService<NpgsqlDataSource>(),
            services.GetRequiredService<ILogger<AuditWriter>>(),
            queueCapacity: services.GetRequiredService<IOptions<AuditOptions>>().Value.QueueCapacity));
        builder.Services.AddSingleton<DecisionAudit>();
        builder.Services.AddHostedService<AuditTrailStart>();
        builder.Services.AddOptions<AuditOptions>()
            .Bind(builder.Configuration.GetSection(AuditOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => AuditCheckpointer.IsKeyOrEmpty(o.CheckpointKey), "Audit:CheckpointKey is not an ECDSA P-256 private key (PEM or base64 PKCS#8)")
            .ValidateOnStart();
        builder.Services.AddHostedService<AuditCheckpointer>();
        builder.AddGrpcServiceClient<Diffusion.Screening.V1.ScreeningService.ScreeningServiceClient>("endusers");
        builder.AddGrpcServiceClient<Diffusion.Licences.V1.LicenceService.LicenceServiceClient>("endusers");
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Downstream>();
        builder.Services.AddSingleton<DecisionRuleData>();
        builder.Services.AddSingleton<ItemClassifier>();
        builder.Services.AddSingleton<OrderDecider>();
        builder.Services.AddSingleton<OrderBookStream>();
        builder.Services.AddSingleton<VeuDeployments>();
        builder.Services.AddSingleton<PartyScreening>();
        builder.Services.AddSingleton<LicenceLookup>();
        return builder;
    }
}
