using Diffusion.Rules;
using Diffusion.Rules.EndUsers;
using Diffusion.Rules.Tiers;
using Microsoft.Extensions.Options;

namespace Diffusion.EndUsers.Rules;

/// <summary>
/// <see cref="IEndUserRuleSets"/> over the loaded <see cref="RuleSetRegistry"/>: the end-users family for the
/// percentages, the tiers family for tiers, and the quota family's NVEU schedule (the same data Quota caps the
/// <c>nveu/&lt;veu&gt;/&lt;CC&gt;</c> buckets with).
/// </summary>
internal sealed class RegistryEndUserRuleSets(RuleSetRegistry registry, IOptions<EndUsersOptions> options) : IEndUserRuleSets
{
    public EndUserRuleSet Resolve(string? ruleSetId, DateTimeOffset asOf)
    {
        if (string.IsNullOrEmpty(ruleSetId))
        {
            ruleSetId = options.Value.DefaultRuleSet;
        }

        var set = registry.Resolve(ruleSetId, DateOnly.FromDateTime(asOf.UtcDateTime));
        if (!set.TryGet<EndUserRules>(out var endUsers) || !set.TryGet<TierRules>(out var tiers) || tiers.Tiers is null)
        {
            throw new RuleSetWithoutVeuException(set.Id, named: !string.IsNullOrEmpty(ruleSetId));
        }

        Tier TierOf(string country) => tiers.TierOf(country).Tier;
        return new EndUserRuleSet(set.Id, endUsers, TierOf, (veuId, country, at) => NveuSchedule.Allocation(set, veuId, country, at, TierOf));
    }
}
