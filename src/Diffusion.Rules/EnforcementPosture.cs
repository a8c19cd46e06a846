namespace Diffusion.Rules;

/// <summary>
/// Which posture a decision took toward the 2025 AI Diffusion framework, which is on the books but not enforced (BIS,
/// 2025-05-13; eCFR of 2026-07-23; GAO B-337935): <see cref="AsWritten"/> applies it, <see cref="AsEnforced"/> follows
/// BIS's non-enforcement. The operator chooses with <see cref="RuleOptions.EnforceAiDiffusion2025"/>; a request may
/// name a rule set instead.
/// </summary>
/// <param name="Name">"as-written" or "as-enforced".</param>
/// <param name="Reason">Why this rule set and posture, citing the framework's status.</param>
public sealed record EnforcementPosture(string Name, Reason Reason)
{
    /// <summary>The framework applied as written (or no framework in force on the day).</summary>
    public const string AsWritten = "as-written";

    /// <summary>BIS's non-enforcement followed: the set without the framework.</summary>
    public const string AsEnforced = "as-enforced";
}
