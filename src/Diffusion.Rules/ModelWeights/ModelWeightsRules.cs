using System.Text.Json.Serialization;
using Diffusion.Rules.Tiers;

namespace Diffusion.Rules.ModelWeights;

/// <summary>
/// The model-weights rule family (ECCN 4E091) of one rule set: every threshold, list and policy text the 4E091 tests
/// use, each with its citation and confidence. Loaded from <c>rules/&lt;rule-set&gt;/model-weights.json</c>.
/// The family first exists in <c>aid-2025</c>; rule sets without it have no 4E091.
/// </summary>
[RuleFamily("model-weights")]
public sealed record ModelWeightsRules : IRuleFamily
{
    /// <summary>Training operations at or above which model weights are 4E091 (10^26).</summary>
    public required Cited<TrainingOperations> ControlThreshold { get; init; }

    /// <summary>The floor of the derived-model test: additional training must exceed the higher of this and
    /// <see cref="DerivedModelBaseFraction"/> of the base model (2.5 x 10^25).</summary>
    public required Cited<TrainingOperations> DerivedModelAdditionalFloor { get; init; }

    /// <summary>The fraction of the base model's operations in the derived-model test (0.25).</summary>
    public required Cited<decimal> DerivedModelBaseFraction { get; init; }

    /// <summary>Share of training operations on one generator's unpublished synthetic data above which the
    /// generator's operations count too (0.10; "more than").</summary>
    public required Cited<OperationsShare> SyntheticDataShareThreshold { get; init; }

    /// <summary>Citation for "no operation counts twice" and the generator's own training operations.</summary>
    public required Cited<string> SyntheticDataCounting { get; init; }

    /// <summary>
    /// The operations needed to match the most capable published model, as BIS publishes them, by date
    /// (a model trained with fewer is not controlled). Sorted by <see cref="PublishedCapabilityStep.EffectiveFrom"/>;
    /// the value never decreases (validated at load, also across rule sets).
    /// </summary>
    public required IReadOnlyList<PublishedCapabilityStep> PublishedCapabilityThreshold { get; init; }

    /// <summary>Citation for the exclusion of published weights.</summary>
    public required Cited<string> PublishedWeightsExclusion { get; init; }

    /// <summary>Where a licence is required for 4E091 ("all destinations").</summary>
    public required Cited<string> LicenceRequirement { get; init; }

    /// <summary>License Exception AIA for 4E091.</summary>
    public required AiaRules Aia { get; init; }

    /// <summary>Review policies for licence applications.</summary>
    public required ReviewPolicyRules ReviewPolicy { get; init; }

    /// <summary>Red Flag 28 for infrastructure-as-a-service providers.</summary>
    [JsonPropertyName("red_flag_28")]
    public required RedFlag28Rules RedFlag28 { get; init; }

    /// <summary>The published-model threshold in force on a day: the last step with EffectiveFrom &lt;= asOf, or
    /// null before the first step.</summary>
    public PublishedCapabilityStep? PublishedCapabilityOn(DateOnly asOf)
    {
        PublishedCapabilityStep? current = null;
        foreach (var step in PublishedCapabilityThreshold)
        {
            if (step.EffectiveFrom <= asOf)
            {
                current = step;
            }
        }

        return current;
    }

    /// <inheritdoc />
    public void Validate(RuleValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Require(ControlThreshold.Value > TrainingOperations.Zero, "$.control_threshold.value", "must be > 0");
        context.Require(DerivedModelAdditionalFloor.Value > TrainingOperations.Zero, "$.derived_model_additional_floor.value", "must be > 0");
        context.Require(DerivedModelBaseFraction.Value is > 0m and <= 1m, "$.derived_model_base_fraction.value",
            $"must lie in (0, 1], was {DerivedModelBaseFraction.Value}");
        context.Require(SyntheticDataShareThreshold.Value < new OperationsShare(1m), "$.synthetic_data_share_threshold.value",
            "must be below 1 (the test is \"more than\" the share)");
        context.Require(PublishedCapabilityThreshold.Count > 0, "$.published_capability_threshold", "must hold at least one step");
        for (var i = 1; i < PublishedCapabilityThreshold.Count; i++)
        {
            var (previous, step) = (PublishedCapabilityThreshold[i - 1], PublishedCapabilityThreshold[i]);
            context.Require(step.EffectiveFrom > previous.EffectiveFrom, $"$.published_capability_threshold[{i}].effective_from",
                $"must be after the previous step's {previous.EffectiveFrom:yyyy-MM-dd}, was {step.EffectiveFrom:yyyy-MM-dd}");
            context.Require(step.Operations.Value >= previous.Operations.Value, $"$.published_capability_threshold[{i}].operations.value",
                $"must not decrease: {step.Operations.Value} is below the previous step's {previous.Operations.Value}");
        }

        Cited(context, "$.control_threshold", ControlThreshold);
        Cited(context, "$.derived_model_additional_floor", DerivedModelAdditionalFloor);
        Cited(context, "$.derived_model_base_fraction", DerivedModelBaseFraction);
        Cited(context, "$.synthetic_data_share_threshold", SyntheticDataShareThreshold);
        Cited(context, "$.synthetic_data_counting", SyntheticDataCounting);
        for (var i = 0; i < PublishedCapabilityThreshold.Count; i++)
        {
            Cited(context, $"$.published_capability_threshold[{i}].operations", PublishedCapabilityThreshold[i].Operations);
        }

        Cited(context, "$.published_weights_exclusion", PublishedWeightsExclusion);
        Cited(context, "$.licence_requirement", LicenceRequirement);
        NotBlank(context, LicenceRequirement.Value, "$.licence_requirement.value");
        Cited(context, "$.aia.code", Aia.Code);
        NotBlank(context, Aia.Code.Value, "$.aia.code.value");
        Tiers(context, "$.aia.headquarters_tiers", Aia.HeadquartersTiers);
        Tiers(context, "$.aia.excluded_destination_tiers", Aia.ExcludedDestinationTiers);
        Cited(context, "$.aia.storage_standards", Aia.StorageStandards);
        Tiers(context, "$.review_policy.restricted_destination_tiers", ReviewPolicy.RestrictedDestinationTiers);
        Tiers(context, "$.review_policy.restricted_headquarters_tiers", ReviewPolicy.RestrictedHeadquartersTiers);
        Cited(context, "$.review_policy.restricted", ReviewPolicy.Restricted);
        NotBlank(context, ReviewPolicy.Restricted.Value, "$.review_policy.restricted.value");
        Cited(context, "$.review_policy.default", ReviewPolicy.Default);
        NotBlank(context, ReviewPolicy.Default.Value, "$.review_policy.default.value");
        Cited(context, "$.red_flag_28.id", RedFlag28.Id);
        NotBlank(context, RedFlag28.Id.Value, "$.red_flag_28.id.value");
        Tiers(context, "$.red_flag_28.exempt_headquarters_tiers", RedFlag28.ExemptHeadquartersTiers);
        Cited(context, "$.red_flag_28.required_inquiries", RedFlag28.RequiredInquiries);
        context.Require(RedFlag28.RequiredInquiries.Value.Count > 0, "$.red_flag_28.required_inquiries.value", "must list at least one question");
        for (var i = 0; i < RedFlag28.RequiredInquiries.Value.Count; i++)
        {
            NotBlank(context, RedFlag28.RequiredInquiries.Value[i], $"$.red_flag_28.required_inquiries.value[{i}]");
        }
    }

    private static void NotBlank(RuleValidationContext context, string? text, string field) =>
        context.Require(!string.IsNullOrWhiteSpace(text), field, "must not be empty");

    private static void Cited<T>(RuleValidationContext context, string field, Cited<T> value) =>
        context.Require(!string.IsNullOrWhiteSpace(value.Citation), field + ".citation", "must not be empty");

    private static void Tiers(RuleValidationContext context, string field, Cited<IReadOnlyList<Tier>> tiers)
    {
        Cited(context, field, tiers);
        for (var i = 0; i < tiers.Value.Count; i++)
        {
            context.Require(Enum.IsDefined(tiers.Value[i]), $"{field}.value[{i}]", $"must be 1, 2 or 3, was {(int)tiers.Value[i]}");
        }
    }
}

/// <summary>One published value of the "most capable published model" threshold, in force from a day (inclusive).</summary>
public sealed record PublishedCapabilityStep(DateOnly EffectiveFrom, Cited<TrainingOperations> Operations);

/// <summary>License Exception AIA (15 CFR 740.27) as it applies to 4E091.</summary>
public sealed record AiaRules
{
    /// <summary>The exception's code, "AIA".</summary>
    public required Cited<string> Code { get; init; }

    /// <summary>Tiers the recipient and its ultimate parent must be headquartered in (Tier 1).</summary>
    public required Cited<IReadOnlyList<Tier>> HeadquartersTiers { get; init; }

    /// <summary>Destination tiers where AIA is not available (Tier 3: D:5 and Macau).</summary>
    public required Cited<IReadOnlyList<Tier>> ExcludedDestinationTiers { get; init; }

    /// <summary>The storage security standards the facility must meet (Supp. 10 paras 14, 15, 18).</summary>
    public required Cited<string> StorageStandards { get; init; }
}

/// <summary>How licence applications for 4E091 are reviewed.</summary>
public sealed record ReviewPolicyRules
{
    /// <summary>Policy for destinations in these tiers (Tier 3: presumption of denial).</summary>
    public required Cited<IReadOnlyList<Tier>> RestrictedDestinationTiers { get; init; }

    /// <summary>Policy for recipients headquartered (or ultimate parent) in these tiers, wherever they are.</summary>
    public required Cited<IReadOnlyList<Tier>> RestrictedHeadquartersTiers { get; init; }

    /// <summary>The policy text for restricted destinations and recipients ("presumption of denial").</summary>
    public required Cited<string> Restricted { get; init; }

    /// <summary>The policy text otherwise ("case-by-case").</summary>
    public required Cited<string> Default { get; init; }
}

/// <summary>Red Flag 28: training a 4E091-class model for a customer headquartered outside Tier 1.</summary>
public sealed record RedFlag28Rules
{
    /// <summary>The red flag's id, e.g. "RED_FLAG_28".</summary>
    public required Cited<string> Id { get; init; }

    /// <summary>Tiers of customer headquarters (and ultimate parent) that raise no flag (Tier 1).</summary>
    public required Cited<IReadOnlyList<Tier>> ExemptHeadquartersTiers { get; init; }

    /// <summary>What the provider must ask the customer before going ahead.</summary>
    public required Cited<IReadOnlyList<string>> RequiredInquiries { get; init; }
}
