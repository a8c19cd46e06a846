namespace Diffusion.Rules.ModelWeights;

/// <summary>Whether a model's weights are 4E091, with the counted operations and every control test's finding.</summary>
public sealed record ModelControl(bool Controlled, CountedOperations Counted, IReadOnlyList<ModelWeightsFinding> Findings);

/// <summary>The answer for one model and one export of its weights.</summary>
/// <param name="Controlled">The weights are 4E091.</param>
/// <param name="Eccn">"4E091" or "".</param>
/// <param name="LicenseRequired">The export needs authorisation (always, when controlled).</param>
/// <param name="LicenseException">The licence exception that provides it ("AIA"), or "".</param>
/// <param name="ReviewPolicy">How a licence application is reviewed, when no exception applies; else "".</param>
/// <param name="CountedOperations">What the threshold was tested against (null when the rule set has no 4E091).</param>
/// <param name="Reasons">Every finding, in rule order.</param>
public sealed record ModelWeightsDecision(
    bool Controlled,
    string Eccn,
    bool LicenseRequired,
    string LicenseException,
    string ReviewPolicy,
    TrainingOperations? CountedOperations,
    IReadOnlyList<Reason> Reasons);

/// <summary>The answer for an infrastructure provider's training run (Red Flag 28).</summary>
public sealed record TrainingRunAssessment(
    bool RedFlag,
    string RedFlagId,
    bool ExceedsThreshold,
    IReadOnlyList<string> RequiredInquiries,
    IReadOnlyList<Reason> Reasons);

/// <summary>
/// Runs every 4E091 test and collects every finding (no short-circuit), so an answer explains itself fully.
/// Control tests always all run; export tests all run when the weights are controlled (they have nothing to say
/// about uncontrolled weights).
/// </summary>
public sealed class ModelWeightsEvaluator(
    IReadOnlyList<IModelControlRule> controlRules,
    IReadOnlyList<IWeightsExportRule> exportRules,
    IReadOnlyList<ITrainingRunRule> trainingRules)
{
    /// <summary>The ECCN of controlled model weights.</summary>
    public const string Eccn = "4E091";

    /// <summary>Every rule of the family, in the order reasons are reported.</summary>
    public static ModelWeightsEvaluator Default { get; } = new(
        [
            new SyntheticDataRule(),
            new TrainingComputeThresholdRule(),
            new PublishedWeightsExclusionRule(),
            new DerivedFromPublishedRule(),
            new PublishedCapabilityExclusionRule(),
        ],
        [
            new LicenceRequirementRule(),
            new AiaEligibilityRule(),
            new RestrictedDestinationReviewRule(),
            new RestrictedHeadquartersReviewRule(),
        ],
        [new RedFlag28Rule()]);

    /// <summary>The control tests alone: is this model's weights 4E091?</summary>
    public ModelControl Classify(ModelDescription model, ModelWeightsRules rules, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rules);
        var counted = CountedOperations.For(model, rules);
        var context = new ModelControlContext(model, counted, rules, asOf);
        var findings = controlRules.SelectMany(rule => rule.Evaluate(context)).ToList();
        var controlled = findings.Any(f => f.Effect == FindingEffect.MeetsControlTest)
            && !findings.Any(f => f.Effect == FindingEffect.NotControlled);
        return new ModelControl(controlled, counted, findings);
    }

    /// <summary>
    /// The whole answer. <paramref name="export"/> may be null only when the weights turn out not controlled
    /// (check with <see cref="Classify"/> first when the export is optional).
    /// </summary>
    public ModelWeightsDecision Evaluate(ModelDescription model, WeightsExport? export, ModelWeightsRules rules, DateOnly asOf) =>
        Decide(Classify(model, rules, asOf), model, export, rules, asOf);

    /// <summary>Completes a <see cref="Classify"/> result with the export tests.</summary>
    /// <exception cref="ArgumentException">The weights are controlled and no export was given.</exception>
    public ModelWeightsDecision Decide(ModelControl control, ModelDescription model, WeightsExport? export, ModelWeightsRules rules, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(rules);
        var findings = new List<ModelWeightsFinding>(control.Findings);
        if (!control.Controlled)
        {
            return new ModelWeightsDecision(false, "", false, "", "", control.Counted.Total, Reasons(findings));
        }

        if (export is null)
        {
            throw new ArgumentException("the weights are controlled: the export (destination and recipient) is needed", nameof(export));
        }

        var context = new WeightsExportContext(model, export, rules, asOf);
        findings.AddRange(exportRules.SelectMany(rule => rule.Evaluate(context)));

        var licenceRequired = findings.Any(f => f.Effect == FindingEffect.LicenceRequired);
        var exception = findings
            .Where(f => f.Effect == FindingEffect.LicenceExceptionAvailable && f.Value is not null)
            .Select(f => f.Value!)
            .FirstOrDefault(code => !findings.Any(f => f.Effect == FindingEffect.LicenceExceptionUnavailable && f.Value == code))
            ?? "";
        var reviewPolicy = "";
        if (licenceRequired && exception.Length == 0)
        {
            var restrictive = findings.FirstOrDefault(f => f.Effect == FindingEffect.RestrictiveReviewPolicy);
            if (restrictive is not null)
            {
                reviewPolicy = restrictive.Value ?? "";
            }
            else
            {
                var policy = rules.ReviewPolicy.Default;
                reviewPolicy = policy.Value;
                findings.Add(new ModelWeightsFinding(
                    FindingEffect.Info,
                    new Reason("4E091.REVIEW.DEFAULT", $"applications are reviewed {policy.Value}", policy.Citation, policy.Confidence),
                    policy.Value));
            }
        }

        return new ModelWeightsDecision(true, Eccn, licenceRequired, exception, reviewPolicy, control.Counted.Total, Reasons(findings));
    }

    /// <summary>Red Flag 28 for an infrastructure provider's training run.</summary>
    public TrainingRunAssessment Assess(TrainingRun run, ModelWeightsRules rules, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(rules);
        var context = new TrainingRunContext(run, rules, asOf);
        var findings = trainingRules.SelectMany(rule => rule.Evaluate(context)).ToList();
        var flag = findings.FirstOrDefault(f => f.Effect == FindingEffect.RedFlag);
        return new TrainingRunAssessment(
            flag is not null,
            flag?.Value ?? "",
            run.PlannedOperations >= rules.ControlThreshold.Value,
            flag is not null ? rules.RedFlag28.RequiredInquiries.Value : [],
            Reasons(findings));
    }

    /// <summary>
    /// The answer under a rule set without the model-weights family (acr-2023, acr-2026): 4E091 does not exist there,
    /// so nothing is controlled under it. An answer with a reason, not an error: asking "what if this rule set were
    /// enforced" is a legitimate question.
    /// </summary>
    public static ModelWeightsDecision NotInRuleSet(string ruleSetId) =>
        new(false, "", false, "", "", null, [AbsentReason(ruleSetId)]);

    /// <summary>The Red Flag 28 answer under a rule set without the model-weights family.</summary>
    public static TrainingRunAssessment TrainingNotInRuleSet(string ruleSetId) =>
        new(false, "", false, [], [AbsentReason(ruleSetId)]);

    private static Reason AbsentReason(string ruleSetId) =>
        new(
            "4E091.ABSENT",
            $"not controlled: no 4E091 in rule set {ruleSetId} (ECCN 4E091 and Red Flag 28 were created by the AI Diffusion framework, effective 2025-01-13)",
            "90 FR 4544 (FR Doc 2025-00636), adding ECCN 4E091 to 15 CFR 774 Supp. 1",
            Confidence.Regulatory);

    private static List<Reason> Reasons(IEnumerable<ModelWeightsFinding> findings) => [.. findings.Select(f => f.Reason)];
}
