using Diffusion.Rules;
using Diffusion.Rules.EndUsers;
using Diffusion.Rules.Quotas;
using Diffusion.Rules.Tiers;

namespace Diffusion.EndUsers.Rules;

/// <summary>
/// The NVEU allocation schedule, read from the quota family (<c>quotas.json</c>, <c>nveu_schedule</c>): the same
/// data the Quota service caps the <c>nveu/&lt;veu&gt;/&lt;CC&gt;</c> buckets with, never duplicated in end-users.json.
/// </summary>
internal static class NveuSchedule
{
    /// <summary>The allocation of an NVEU in a country at an instant; null when the rule set defines none.</summary>
    public static NveuAllocation? Allocation(RuleSet set, string veuId, string country, DateTimeOffset asOf, Func<string, Tier> tierOf)
    {
        if (!set.TryGet<QuotaRules>(out var quotas) ||
            !BucketId.TryParse(BucketId.ForNveu(veuId, country), out var bucket, out _) ||
            quotas.Allocation(bucket!, DateOnly.FromDateTime(asOf.UtcDateTime), tierOf) is not { } allocation)
        {
            return null;
        }

        return new NveuAllocation(allocation.Cap, allocation.Period, allocation.Citation, allocation.Confidence);
    }
}
