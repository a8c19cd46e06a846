using System.Globalization;

namespace Diffusion.Rules.Quotas;

/// <summary>
/// The allocations of the AI Diffusion framework (90 FR 4544), in whole TPP: the Tier 2 country allocation, the
/// doubled figure after a government-to-government agreement, the LPP per-consignee calendar-year cap and the NVEU
/// per-country installed-base schedule. File: <c>rules/&lt;set&gt;/quotas.json</c>.
/// </summary>
/// <remarks>
/// Which buckets the rules define (<see cref="Allocation"/>): <c>country/&lt;CC&gt;/&lt;period&gt;</c> for a Tier 2
/// country and this file's period; <c>lpp/&lt;consignee&gt;/&lt;year&gt;</c> for a year from
/// <see cref="LppFirstYear"/> on; <c>nveu/&lt;veu&gt;/&lt;CC&gt;</c> for a country outside Tier 3, from the first
/// schedule step on. Any other bucket, every <c>china-share/...</c> and <c>licence/...</c> one included, exists only if an officer created it
/// (SetAllocation).
/// </remarks>
[RuleFamily("quotas")]
public sealed record QuotaRules : IRuleFamily
{
    /// <summary>The Tier 2 country allocation: one cumulative cap per country for the period.</summary>
    public required CountryAllocationRule CountryAllocation { get; init; }

    /// <summary>
    /// The allocation after a government-to-government agreement (double the default). Data only: an officer applies
    /// it to a country's bucket with SetAllocation, because which countries have such an agreement is not in the rule.
    /// </summary>
    public required Cited<long> GovernmentAgreementAllocation { get; init; }

    /// <summary>
    /// How a licence for a Tier 2 destination counts against that country's allocation ("at-grant": its whole
    /// authorised TPP when granted, not as it ships). Data only; absent in sets without country allocations.
    /// </summary>
    public Cited<string>? LicensedExportCounting { get; init; }

    /// <summary>License Exception LPP: TPP per ultimate consignee per calendar year (does not count against the country allocation).</summary>
    public required Cited<long> LppAnnualCap { get; init; }

    /// <summary>The first calendar year an LPP bucket exists for.</summary>
    public required Cited<int> LppFirstYear { get; init; }

    /// <summary>
    /// NVEU cumulative installed-base caps per VEU per country, as steps: each applies from the first day of its
    /// quarter until the next step's quarter. A step's cap is what may be installed by the end of its period.
    /// </summary>
    public required IReadOnlyList<NveuScheduleStep> NveuSchedule { get; init; }

    /// <summary>
    /// The cap the rules give <paramref name="bucket"/> on <paramref name="asOf"/>, or null when the rules do not
    /// define that bucket. <paramref name="tierOf"/> answers a country's tier (the same rule set's tiers family).
    /// </summary>
    public BucketAllocation? Allocation(BucketId bucket, DateOnly asOf, Func<string, Tiers.Tier> tierOf)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        ArgumentNullException.ThrowIfNull(tierOf);
        switch (bucket.Kind)
        {
            case BucketKind.Country:
                var period = string.Create(CultureInfo.InvariantCulture, $"{bucket.FirstYear:D4}-{bucket.LastYear:D4}");
                return period == CountryAllocation.Period && tierOf(bucket.Country!) == Tiers.Tier.Tier2
                    ? new BucketAllocation(bucket.Text, CountryAllocation.Tpp.Value, period, CountryAllocation.Tpp.Citation, CountryAllocation.Tpp.Confidence)
                    : null;
            case BucketKind.Lpp:
                return bucket.Year >= LppFirstYear.Value
                    ? new BucketAllocation(bucket.Text, LppAnnualCap.Value, bucket.Year.Value.ToString("D4", CultureInfo.InvariantCulture), LppAnnualCap.Citation, LppAnnualCap.Confidence)
                    : null;
            case BucketKind.Nveu:
                if (tierOf(bucket.Country!) == Tiers.Tier.Tier3 || NveuStepAsOf(asOf) is not { } step)
                {
                    return null;
                }

                return new BucketAllocation(bucket.Text, step.CumulativeTpp.Value, step.FromQuarter, step.CumulativeTpp.Citation, step.CumulativeTpp.Confidence);
            default:
                // A China share bucket's cap is the exporter's recorded US shipments, a licence bucket's the licence's
                // quantity: only an officer sets either.
                return null;
        }
    }

    /// <summary>The NVEU schedule step in force on <paramref name="asOf"/>, or null before the first step.</summary>
    public NveuScheduleStep? NveuStepAsOf(DateOnly asOf)
    {
        var quarter = CalendarQuarter.Of(asOf);
        return NveuSchedule.LastOrDefault(s => CalendarQuarter.TryParse(s.FromQuarter) <= quarter);
    }

    /// <inheritdoc />
    public void Validate(RuleValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!BucketId.TryParse(BucketId.ForCountry("AE", CountryAllocation.Period), out _, out _))
        {
            context.Report("$.country_allocation.period", $"'{CountryAllocation.Period}' is not a period yyyy-yyyy");
        }

        RequireAmount(context, "$.country_allocation.tpp", CountryAllocation.Tpp);
        RequireAmount(context, "$.government_agreement_allocation", GovernmentAgreementAllocation);
        RequireAmount(context, "$.lpp_annual_cap", LppAnnualCap);
        context.Require(LppFirstYear.Value is >= 2000 and <= 9999, "$.lpp_first_year.value", $"must be a year, was {LppFirstYear.Value}");
        context.Require(NveuSchedule.Count > 0, "$.nveu_schedule", "must have at least one step");
        CalendarQuarter? previous = null;
        long previousCap = 0;
        for (var i = 0; i < NveuSchedule.Count; i++)
        {
            var step = NveuSchedule[i];
            var path = $"$.nveu_schedule[{i}]";
            var quarter = CalendarQuarter.TryParse(step.FromQuarter);
            if (quarter is null)
            {
                context.Report(path + ".from_quarter", $"'{step.FromQuarter}' is not a quarter like 2026-Q1");
            }
            else if (previous is not null && quarter <= previous)
            {
                context.Report(path + ".from_quarter", $"must be later than the step before ({previous})");
            }

            RequireAmount(context, path + ".cumulative_tpp", step.CumulativeTpp);
            // Cumulative: an installed base cap never falls.
            context.Require(step.CumulativeTpp.Value >= previousCap, path + ".cumulative_tpp.value",
                $"a cumulative cap must not fall, was {step.CumulativeTpp.Value} after {previousCap}");
            previous = quarter ?? previous;
            previousCap = step.CumulativeTpp.Value;
        }
    }

    /// <summary>Largest amount the quota service accepts (amounts are compared exactly in Redis Lua doubles).</summary>
    public const long MaxTpp = (1L << 53) - 1;

    private static void RequireAmount(RuleValidationContext context, string path, Cited<long> amount)
    {
        context.Require(amount.Value is > 0 and <= MaxTpp, path + ".value", $"must be a whole TPP amount in 1..{MaxTpp}, was {amount.Value}");
        context.Require(!string.IsNullOrWhiteSpace(amount.Citation), path + ".citation", "must not be empty");
    }
}

/// <summary>The Tier 2 country allocation.</summary>
public sealed record CountryAllocationRule
{
    /// <summary>The allocation period, e.g. "2025-2027" (calendar years, inclusive): the bucket id's last segment.</summary>
    public required string Period { get; init; }

    /// <summary>Cumulative TPP a Tier 2 country may receive under licence in the period (non-VEU end users).</summary>
    public required Cited<long> Tpp { get; init; }
}

/// <summary>One step of the NVEU schedule.</summary>
public sealed record NveuScheduleStep
{
    /// <summary>The quarter the step applies from, e.g. "2026-Q1".</summary>
    public required string FromQuarter { get; init; }

    /// <summary>Cumulative TPP one NVEU may have installed in one country.</summary>
    public required Cited<long> CumulativeTpp { get; init; }
}

/// <summary>A bucket's cap as the rules define it on a day, with its source.</summary>
/// <param name="BucketId">The bucket.</param>
/// <param name="Cap">Whole TPP.</param>
/// <param name="Period">The period or schedule step, e.g. "2025-2027", "2026", "2026-Q1".</param>
/// <param name="Citation">Where the figure comes from.</param>
/// <param name="Confidence">How sure the rule data is.</param>
public sealed record BucketAllocation(string BucketId, long Cap, string Period, string Citation, Confidence Confidence);
