using Diffusion.Rules;
using Diffusion.Rules.EndUsers;
using Diffusion.Rules.Tiers;

namespace Diffusion.EndUsers.Rules;

/// <summary>What EndUsers needs from one rule set: its end-user family, its tiers and the NVEU schedule.</summary>
/// <param name="Id">The rule set id, e.g. "aid-2025".</param>
/// <param name="EndUsers">The end-user (VEU) family.</param>
/// <param name="TierOf">The destination tier of a country.</param>
/// <param name="NveuAllocation">An NVEU's allocation for (veu id, country) in force at an instant, or null.</param>
internal sealed record EndUserRuleSet(
    string Id,
    EndUserRules EndUsers,
    Func<string, Tier> TierOf,
    Func<string, string, DateTimeOffset, NveuAllocation?> NveuAllocation);

/// <summary>The rule set of a request, as EndUsers sees it.</summary>
internal interface IEndUserRuleSets
{
    /// <summary>
    /// The rule set named <paramref name="ruleSetId"/>, or the one in force at <paramref name="asOf"/> when none is
    /// named. Throws <see cref="RuleSetResolutionException"/> (unknown id, nothing in force) and
    /// <see cref="RuleSetWithoutVeuException"/> (a rule set without the VEU framework).
    /// </summary>
    EndUserRuleSet Resolve(string? ruleSetId, DateTimeOffset asOf);
}

/// <summary>The rule set has no end-user (VEU) family (answered FAILED_PRECONDITION).</summary>
internal sealed class RuleSetWithoutVeuException(string ruleSetId, bool named)
    : Exception(named
        ? $"rule_set: {ruleSetId} has no Validated End User rules (no end-users.json; the AI Diffusion framework sets have them)"
        : $"rule_set: {ruleSetId}, the rule set in force on the as_of date under the operator's enforcement option, has no Validated End User rules; name a framework rule set (aid-2025, aid-2026)")
{
    /// <summary>The rule set.</summary>
    public string RuleSetId { get; } = ruleSetId;
}
