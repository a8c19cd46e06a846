using Diffusion.Rules;
using Diffusion.Rules.EndUsers;
using Diffusion.Rules.Tiers;

namespace Diffusion.EndUsers.Rules;

/// <summary>The NVEU allocation schedule, read from the quota family (not duplicated in end-users.json).</summary>
internal static class NveuSchedule
{
    /// <summary>The allocation of an NVEU in a country at an instant; null when the rule set defines none.</summary>
    public static NveuAllocation? Allocation(RuleSet set, string veuId, string country, DateTimeOffset asOf, Func<string, Tier> tierOf)
    {
        // Wired to the quota family (QuotaRules.Allocation for nveu/<veu>/<CC>) once it is on main.
        _ = set;
        _ = veuId;
        _ = country;
        _ = asOf;
        _ = tierOf;
        return null;
    }
}
