namespace Diffusion.Rules.ModelWeights;

/// <summary>What a finding does to the answer.</summary>
public enum FindingEffect
{
    /// <summary>Explains something (e.g. how operations were counted); changes nothing.</summary>
    Info,

    /// <summary>A control test is met (e.g. 10^26 reached, derived-model exclusion does not apply).</summary>
    MeetsControlTest,

    /// <summary>The weights are not 4E091 (below the threshold or excluded).</summary>
    NotControlled,

    /// <summary>A licence is required for this export.</summary>
    LicenceRequired,

    /// <summary>The licence exception named in <see cref="ModelWeightsFinding.Value"/> is available.</summary>
    LicenceExceptionAvailable,

    /// <summary>A condition of the licence exception named in <see cref="ModelWeightsFinding.Value"/> fails.</summary>
    LicenceExceptionUnavailable,

    /// <summary>Licence applications are reviewed under the restrictive policy named in <see cref="ModelWeightsFinding.Value"/>.</summary>
    RestrictiveReviewPolicy,

    /// <summary>An infrastructure provider's red flag (id in <see cref="ModelWeightsFinding.Value"/>) is raised.</summary>
    RedFlag,
}

/// <summary>One rule's finding: the reason to show, and its effect on the answer.</summary>
public sealed record ModelWeightsFinding(FindingEffect Effect, Reason Reason, string? Value = null);

/// <summary>Everything a model-control test may look at.</summary>
public sealed record ModelControlContext(ModelDescription Model, CountedOperations Counted, ModelWeightsRules Rules, DateOnly AsOf);

/// <summary>Everything an export test may look at: the model is controlled.</summary>
public sealed record WeightsExportContext(ModelDescription Model, WeightsExport Export, ModelWeightsRules Rules, DateOnly AsOf);

/// <summary>Everything an infrastructure-provider test may look at.</summary>
public sealed record TrainingRunContext(TrainingRun Run, ModelWeightsRules Rules, DateOnly AsOf);

/// <summary>A test of whether a model's weights are 4E091. Every test runs; each reports what it found.</summary>
public interface IModelControlRule
{
    /// <summary>Stable id citing the paragraph, e.g. "4E091.THRESHOLD".</summary>
    string Id { get; }

    IEnumerable<ModelWeightsFinding> Evaluate(ModelControlContext context);
}

/// <summary>A test of what exporting controlled weights needs (licence, exception, review policy).</summary>
public interface IWeightsExportRule
{
    /// <summary>Stable id citing the paragraph, e.g. "740.27.AIA".</summary>
    string Id { get; }

    IEnumerable<ModelWeightsFinding> Evaluate(WeightsExportContext context);
}

/// <summary>A test applied to an infrastructure provider's training run for a customer.</summary>
public interface ITrainingRunRule
{
    /// <summary>Stable id citing the paragraph, e.g. "RED_FLAG_28".</summary>
    string Id { get; }

    IEnumerable<ModelWeightsFinding> Evaluate(TrainingRunContext context);
}
