using System.Globalization;
using Diffusion.EndUsers.Deployments;
using Diffusion.EndUsers.Quota;
using Diffusion.EndUsers.Storage;
using Diffusion.Quota.V1;
using Diffusion.Rules;
using Diffusion.Rules.Decisions;
using Diffusion.Rules.Quotas;
using Diffusion.Rules.Tiers;
using Microsoft.Extensions.Options;

namespace Diffusion.EndUsers.Licences;

/// <summary>How a licence counts against its destination's country allocation when it is granted.</summary>
/// <param name="BucketId">The country allocation bucket its TPP is drawn from, or "" when none.</param>
/// <param name="RuleSetId">The rule set whose counting applied.</param>
/// <param name="Reason">Why, citing the rule data.</param>
internal sealed record GrantCounting(string BucketId, string RuleSetId, Reason Reason);

/// <summary>
/// Under the 2025 framework a licence for a Tier 2 destination counts against that country's allocation when it is
/// granted, not as it ships (rule data <c>quotas.licensed_export_counting</c> = "at-grant", 90 FR 4544). Recording such
/// a licence reserves its TPP in the country allocation bucket and commits it once the licence is stored; shipments
/// under it then draw only <c>licence/&lt;number&gt;</c>, so nothing is counted twice.
/// </summary>
internal sealed class LicenceGrants(RuleSetRegistry registry, NveuQuota quota, IOptions<EndUsersOptions> options)
{
    /// <summary>The reservation a licence's grant makes in the country allocation (one per licence, so a retry reuses it).</summary>
    public static string ReservationId(string number) => $"endusers/licence/{number}/grant";

    /// <summary>
    /// How <paramref name="licence"/> counts under the rule set named (else the service's default, else the one in force on
    /// the day of grant, its first valid day). A licence in units for a destination counted at grant is refused
    /// (INVALID_ARGUMENT naming licence.quantity_unit): the allocation is in TPP.
    /// </summary>
    public GrantCounting CountingOf(LicenceRecord licence, string ruleSetId)
    {
        var day = DateOnly.FromDateTime(licence.ValidFrom.UtcDateTime);
        var set = registry.Resolve(ruleSetId.Length > 0 ? ruleSetId : options.Value.DefaultRuleSet, day);
        var country = licence.DestinationCountry;
        if (!set.TryGet<QuotaRules>(out var quotas) || quotas.LicensedExportCounting is not { Value: "at-grant" } counting)
        {
            return new GrantCounting("", set.Id, new Reason(
                "LICENCE.GRANT_NOT_COUNTED",
                $"licence {licence.Number}: {set.Id} counts no licence against a country allocation",
                set.Manifest.Citation,
                set.Effective.Confidence));
        }

        var destinations = set.DestinationsOn(day);
        var tier = set.Manifest.AiDiffusionFramework && destinations.HasTiers ? destinations.TierOf(country).Tier : (Tier?)null;
        if (tier != Tier.Tier2)
        {
            return new GrantCounting("", set.Id, counting.Reason(
                "LICENCE.GRANT_NOT_COUNTED",
                $"licence {licence.Number}: {country} is not a Tier 2 destination under {set.Id} on {day:yyyy-MM-dd}, so it draws no country allocation"));
        }

        if (licence.Unit != LicenceUnit.Tpp)
        {
            throw new RequestException(
                "licence.quantity_unit",
                $"a licence for {country} (Tier 2 under {set.Id}) counts against the country allocation, in TPP, when it is granted; give its quantity in TPP");
        }

        var bucket = set.Get<DecisionRules>().CountryAllocationBucketId(country);
        return new GrantCounting(bucket, set.Id, counting.Reason(
            "LICENCE.GRANT_DRAWS_ALLOCATION",
            $"licence {licence.Number}: its {licence.Quantity.ToString("#,0", CultureInfo.InvariantCulture)} TPP count against {bucket} from its grant under {set.Id}; shipments under it draw licence/{licence.Number} only"));
    }

    /// <summary>
    /// Reserves the licence's TPP in the allocation bucket (idempotent on the licence number); FAILED_PRECONDITION naming
    /// licence.quantity when the allocation cannot cover it.
    /// </summary>
    public async Task ReserveAsync(LicenceRecord licence, GrantCounting counting, CancellationToken cancellationToken)
    {
        var reserved = await quota.ReserveBucketAsync(ReservationId(licence.Number), counting.BucketId, licence.Quantity, counting.RuleSetId, cancellationToken);
        if (reserved.Outcome != ReserveOutcome.Reserved)
        {
            var left = reserved.Balance is { } b ? $"has {b.Available.ToString("#,0", CultureInfo.InvariantCulture)} TPP left" : "is not defined at Quota";
            throw new PreconditionFailedException(
                "licence.quantity",
                $"{counting.BucketId} {left}, less than the licence's {licence.Quantity.ToString("#,0", CultureInfo.InvariantCulture)} TPP, which count against it from the grant under {counting.RuleSetId}; nothing recorded");
        }
    }

    /// <summary>Makes the grant's draw permanent (idempotent).</summary>
    public Task CommitAsync(string number, CancellationToken cancellationToken) => quota.CommitAsync(ReservationId(number), cancellationToken);
}
