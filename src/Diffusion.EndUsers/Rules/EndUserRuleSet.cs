using Diffusion.Rules.EndUsers;

namespace Diffusion.EndUsers.Rules;

/// <summary>What EndUsers needs from one rule set: its end-user family, its tiers and the NVEU schedule.</summary>
/// <param name="Id">The rule set id, e.g. "aid-2025".</param>
/// <param name="EndUsers">The end-user (VEU) family; null when the rule set has none (no VEU framework).</param>
/// <param name="TierOf">The destination tier of a country.</param>
/// <param name="NveuAllocation">An NVEU's allocation for (veu id, country) in force at an instant, or null.</param>
internal sealed record EndUserRuleSet(
    string Id,
    EndUserRules? EndUsers,
    Func<string, CountryTier> TierOf,
    Func<string, string, DateTimeOffset, NveuAllocation?> NveuAllocation);

/// <summary>The loaded rule sets, as EndUsers sees them.</summary>
internal interface IEndUserRuleSets
{
    /// <summary>The rule set named <paramref name="id"/>, or null when there is none.</summary>
    EndUserRuleSet? Find(string id);

    /// <summary>The rule set to apply at <paramref name="asOf"/> when a request names none.</summary>
    EndUserRuleSet InForceAt(DateTimeOffset asOf);
}
