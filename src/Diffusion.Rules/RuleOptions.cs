namespace Diffusion.Rules;

/// <summary>
/// Operator settings for the rules, bound from the configuration section <c>Rules</c>
/// (environment: <c>Rules__Directory</c>, <c>Rules__EnforceAiDiffusion2025</c>).
/// </summary>
public sealed class RuleOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Rules";

    /// <summary>
    /// The directory holding the rule sets (one folder per set with a ruleset.json, plus chips.json). Empty: the
    /// environment variable <c>DIFFUSION_RULES_DIR</c>, else the first folder named <c>rules</c> holding a rule set
    /// found walking up from the application's base directory.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>
    /// Whether the January 2025 AI Diffusion framework (rule sets marked <c>ai_diffusion_framework</c>) is enforced.
    /// Default true: the text is still in the eCFR (2026-07-23) and no rescission notice was published. False follows
    /// BIS's 2025-05-13 announcement that it will not be enforced: from each framework set's announced-rescission date
    /// (2025-05-13) days resolve to the set without the framework in force then (acr-2023 until 2026-01-15, then
    /// acr-2026). Explicitly named rule sets are always honoured.
    /// </summary>
    public bool EnforceAiDiffusion2025 { get; set; } = true;

    /// <summary>
    /// The affiliates (50 %) rule's status after its stay ends on 2026-11-09 (90 FR 50857): "in-force" (default: the
    /// stay ends absent a future extension) or "stayed" (an officer who learns it was extended). Any other value stops
    /// the service at start. Environment: <c>Rules__AffiliatesRuleAfterStay</c>.
    /// </summary>
    public string AffiliatesRuleAfterStay { get; set; } = "in-force";
}
