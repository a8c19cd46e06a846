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

        var day = DateOnly.FromDateTime(asOf.UtcDateTime);
        var set = registry.Resolve(ruleSetId, day);
        if (!set.TryGet<EndUserRules>(out var endUsers) || !set.TryGet<TierRules>(out var tiers) || tiers.Tiers is null)
        {
            throw new RuleSetWithoutVeuException(set.Id, named: !string.IsNullOrEmpty(ruleSetId));
        }

        // Tiers as of the request's day (Country Group membership is dated).
        var destinations = set.DestinationsOn(day);
        Tier TierOf(string country) => destinations.TierOf(country).Tier;
        return new EndUserRuleSet(set.Id, endUsers, TierOf, (veuId, country, at) => NveuSchedule.Allocation(set, veuId, country, at, TierOf));
    }
}
