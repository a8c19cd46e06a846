using Diffusion.Rules;
using Diffusion.Rules.Quotas;
using Diffusion.Rules.Tiers;
using Microsoft.Extensions.Options;

namespace Diffusion.Quota.Reservations;

/// <summary>Which buckets the rules define and with what cap, for a rule set and a day.</summary>
internal sealed class QuotaCatalog(RuleSetRegistry registry, IOptions<QuotaOptions> options)
{
    /// <summary>
    /// The rules' allocation of <paramref name="bucket"/> on <paramref name="asOf"/> under <paramref name="ruleSetId"/>
    /// (empty: <see cref="QuotaOptions.DefaultRuleSet"/>, else the set in force), or null when the rules do not define it.
    /// </summary>
    /// <exception cref="QuotaException">Unknown rule set (INVALID_ARGUMENT naming rule_set).</exception>
    public BucketAllocation? RuleAllocation(string? ruleSetId, BucketId bucket, DateOnly asOf)
    {
        RuleSet set;
        try
        {
            set = registry.Resolve(string.IsNullOrEmpty(ruleSetId) ? NullIfEmpty(options.Value.DefaultRuleSet) : ruleSetId, asOf);
        }
        catch (RuleSetResolutionException e)
        {
            throw new QuotaException(QuotaErrorKind.InvalidArgument, e.Message, e);
        }

        if (!set.TryGet<QuotaRules>(out var quotas) || !set.TryGet<TierRules>(out var tiers) || tiers.Tiers is null)
        {
            return null;
        }

        var destinations = set.DestinationsOn(asOf);
        return quotas.Allocation(bucket, asOf, country => destinations.TierOf(country).Tier);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
