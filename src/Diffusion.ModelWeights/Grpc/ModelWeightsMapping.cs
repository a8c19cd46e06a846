using Diffusion.Modelweights.V1;
using Diffusion.Rules;
using Diffusion.Rules.Hosting;
using Diffusion.Rules.ModelWeights;
using Diffusion.Rules.Tiers;
using Diffusion.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Diffusion.ModelWeights.Grpc;

/// <summary>
/// Proto ⇄ domain for the 4E091 service. Every shape problem becomes INVALID_ARGUMENT naming the proto field
/// ("training_operations: must not be negative (was -1)"), so a caller can fix the request.
/// </summary>
internal static class ModelWeightsMapping
{
    /// <summary>The model described by the request.</summary>
    public static ModelDescription ToDomain(this EvaluateModelRequest request)
    {
        var training = Operations(request.TrainingOperations, "training_operations");
        var baseOps = Operations(request.BaseModelOperations, "base_model_operations");
        var additional = Operations(request.AdditionalOperations, "additional_operations");
        var generator = Operations(request.GeneratorOperations, "generator_operations");
        var generation = Operations(request.GenerationOperations, "generation_operations");
        var alreadyCounted = Operations(request.GeneratorOperationsAlreadyCounted, "generator_operations_already_counted");
        var share = Share(request.SyntheticDataShare, "synthetic_data_share");

        if (!request.DerivedFromPublished && (baseOps > TrainingOperations.Zero || additional > TrainingOperations.Zero))
        {
            throw Invalid("base_model_operations", "is only meaningful with derived_from_published = true");
        }

        if (request.DerivedFromPublished && baseOps == TrainingOperations.Zero)
        {
            throw Invalid("base_model_operations", "must be > 0 when derived_from_published is true");
        }

        // Already-counted generator operations are part of the model's own count: the declared total, or for a derived
        // model the base plus additional operations when those are more.
        var own = request.DerivedFromPublished ? TrainingOperations.Max(training, baseOps + additional) : training;
        if (alreadyCounted > own)
        {
            throw Invalid("generator_operations_already_counted", $"cannot exceed the model's own training operations ({own}), was {alreadyCounted}");
        }

        var synthetic = share > OperationsShare.None || generator > TrainingOperations.Zero || generation > TrainingOperations.Zero
            ? new SyntheticDataSource(share, generation, generator, request.GeneratorWeightsPublished, alreadyCounted)
            : null;
        var derived = request.DerivedFromPublished ? new PublishedBase(baseOps, additional) : null;
        return new ModelDescription(Text(request.ModelName, "model_name"), training, request.WeightsPublished, derived, synthetic);
    }

    /// <summary>
    /// The export described by the request, with countries resolved to tiers. Destination and recipient headquarters
    /// are required (the caller asks only when the weights are controlled); malformed codes are rejected always.
    /// </summary>
    public static WeightsExport ToExport(this EvaluateModelRequest request, Destinations tiers)
    {
        var destination = Country(request.DestinationCountry, "destination_country", required: true, tiers)!;
        var hq = Country(request.RecipientHeadquartersCountry, "recipient_headquarters_country", required: true, tiers)!;
        var parent = Country(request.RecipientParentHeadquartersCountry, "recipient_parent_headquarters_country", required: false, tiers);
        return new WeightsExport(destination, hq, parent, request.StorageMeetsSecurityStandards);
    }

    /// <summary>Checks the country fields' shape without needing them (the weights are not controlled).</summary>
    public static void ValidateCountryShapes(this EvaluateModelRequest request)
    {
        CodeShape(request.DestinationCountry, "destination_country");
        CodeShape(request.RecipientHeadquartersCountry, "recipient_headquarters_country");
        CodeShape(request.RecipientParentHeadquartersCountry, "recipient_parent_headquarters_country");
    }

    /// <summary>Checks a training request's fields without resolving tiers (for rule sets without 4E091).</summary>
    public static void ValidateShape(this EvaluateTrainingRequest request)
    {
        _ = Operations(request.PlannedTrainingOperations, "planned_training_operations");
        if (string.IsNullOrEmpty(request.CustomerHeadquartersCountry))
        {
            throw Invalid("customer_headquarters_country", "is required (an ISO 3166-1 alpha-2 code, e.g. AE)");
        }

        CodeShape(request.CustomerHeadquartersCountry, "customer_headquarters_country");
        CodeShape(request.CustomerParentHeadquartersCountry, "customer_parent_headquarters_country");
    }

    /// <summary>The training run described by the request.</summary>
    public static TrainingRun ToDomain(this EvaluateTrainingRequest request, Destinations tiers)
    {
        request.ValidateShape();
        var planned = Operations(request.PlannedTrainingOperations, "planned_training_operations");
        var hq = Country(request.CustomerHeadquartersCountry, "customer_headquarters_country", required: true, tiers)!;
        var parent = Country(request.CustomerParentHeadquartersCountry, "customer_parent_headquarters_country", required: false, tiers);
        return new TrainingRun(Text(request.CustomerName, "customer_name"), planned, hq, parent);
    }

    /// <summary>The day a request is evaluated on: its as_of (UTC calendar day), or today by the service's clock.</summary>
    public static DateOnly AsOf(Timestamp? asOf, TimeProvider time)
    {
        if (asOf is null)
        {
            return DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        }

        // Timestamp's own range: 0001-01-01 to 9999-12-31, nanos in [0, 1e9).
        if (asOf.Seconds is < -62135596800L or > 253402300799L || asOf.Nanos is < 0 or > 999_999_999)
        {
            throw Invalid("as_of", "is not a valid timestamp");
        }

        return DateOnly.FromDateTime(asOf.ToDateTime());
    }

    public static EvaluateModelResponse ToProto(this ModelWeightsDecision decision, string ruleSetId)
    {
        var response = new EvaluateModelResponse
        {
            Controlled = decision.Controlled,
            Eccn = decision.Eccn,
            LicenseRequired = decision.LicenseRequired,
            LicenseException = decision.LicenseException,
            ReviewPolicy = decision.ReviewPolicy,
            CountedOperations = decision.CountedOperations is { } counted ? (double)counted.Value : 0,
            RuleSet = ruleSetId,
        };
        response.Reasons.AddRange(decision.Reasons.Select(r => r.ToProto()));
        return response;
    }

    public static EvaluateTrainingResponse ToProto(this TrainingRunAssessment assessment, string ruleSetId)
    {
        var response = new EvaluateTrainingResponse
        {
            RedFlag = assessment.RedFlag,
            RedFlagId = assessment.RedFlagId,
            ExceedsThreshold = assessment.ExceedsThreshold,
            RuleSet = ruleSetId,
        };
        response.RequiredInquiries.AddRange(assessment.RequiredInquiries);
        response.Reasons.AddRange(assessment.Reasons.Select(r => r.ToProto()));
        return response;
    }

    public static RpcException Invalid(string field, string problem) =>
        new(new Status(StatusCode.InvalidArgument, $"{field}: {problem}"));

    private static TrainingOperations Operations(double value, string field) =>
        TrainingOperations.TryFromDouble(value, out var operations, out var problem) ? operations : throw Invalid(field, problem!);

    /// <summary>A name of at most <see cref="RequestText.MaxTextLength"/> characters, free of control characters.</summary>
    private static string Text(string value, string field) =>
        RequestText.Problem(value, RequestText.MaxTextLength) is { } problem ? throw Invalid(field, problem) : value;

    private static OperationsShare Share(double value, string field) =>
        OperationsShare.TryFromDouble(value, out var share, out var problem) ? share : throw Invalid(field, problem!);

    private static CountryInTier? Country(string code, string field, bool required, Destinations tiers)
    {
        if (string.IsNullOrEmpty(code))
        {
            return required ? throw Invalid(field, "is required (an ISO 3166-1 alpha-2 code, e.g. AE) when the weights are controlled (4E091)") : null;
        }

        CodeShape(code, field);
        return new CountryInTier(code, tiers.TierOf(code).Tier);
    }

    private static void CodeShape(string code, string field)
    {
        if (code.Length > 0 && !RuleValidationContext.IsCountryCode(code))
        {
            throw Invalid(field, $"{RequestText.Quote(code)} is not an assigned ISO 3166-1 alpha-2 code (e.g. AE)");
        }
    }
}
