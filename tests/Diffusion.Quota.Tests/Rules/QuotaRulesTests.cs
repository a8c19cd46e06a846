using Diffusion.Rules;
using Diffusion.Rules.Quotas;
using Diffusion.Rules.Tiers;
using Diffusion.Testing.Rules;

namespace Diffusion.Quota.Tests.Rules;

/// <summary>The quotas family: bucket grammar, which buckets the rules define, and the shipped data.</summary>
public sealed class QuotaRulesTests
{
    private static readonly Lazy<RuleSetRegistry> Registry = new(() => RuleSetLoader.Load(RulesDirectory.Locate()));

    private static QuotaRules Aid2025 => Registry.Value.Get("aid-2025").Get<QuotaRules>();

    private static Tier TierOf(string country) => Registry.Value.Get("aid-2025").DestinationsOn(new DateOnly(2025, 3, 1)).TierOf(country).Tier;

    [Theory]
    [InlineData("country/AE/2025-2027", BucketKind.Country)]
    [InlineData("lpp/acme-cloud_1:de.2/2026", BucketKind.Lpp)]
    [InlineData("nveu/VEU-0042/IN", BucketKind.Nveu)]
    public void BucketId_WellFormed_Parses(string text, BucketKind kind)
    {
        Assert.True(BucketId.TryParse(text, out var bucket, out _));
        Assert.Equal(kind, bucket!.Kind);
        Assert.Equal(text, bucket.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("country/ae/2025-2027")]
    [InlineData("country/AE/2027-2025")]
    [InlineData("country/AE/2025")]
    [InlineData("country/AEX/2025-2027")]
    [InlineData("lpp//2026")]
    [InlineData("lpp/-x/2026")]
    [InlineData("lpp/a b/2026")]
    [InlineData("lpp/a/26")]
    [InlineData("nveu/v/IND")]
    [InlineData("country/AE/2025-2027/")]
    [InlineData("other/AE")]
    public void BucketId_Malformed_SaysWhy(string text)
    {
        Assert.False(BucketId.TryParse(text, out _, out var problem));
        Assert.NotEmpty(problem);
    }

    [Fact]
    public void BucketId_LongestEntity_Is128()
    {
        Assert.True(BucketId.TryParse($"lpp/{new string('a', 128)}/2026", out _, out _));
        Assert.False(BucketId.TryParse($"lpp/{new string('a', 129)}/2026", out _, out _));
    }

    [Theory]
    [InlineData("2026-01-01", "2026-Q1")]
    [InlineData("2026-03-31", "2026-Q1")]
    [InlineData("2026-04-01", "2026-Q2")]
    [InlineData("2026-12-31", "2026-Q4")]
    public void CalendarQuarter_Of_Day(string day, string quarter) =>
        Assert.Equal(quarter, CalendarQuarter.Of(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)).ToString());

    [Fact]
    public void ShippedData_HasTheCitedFigures()
    {
        var rules = Aid2025;
        Assert.Equal(790_000_000, rules.CountryAllocation.Tpp.Value);
        Assert.Equal("2025-2027", rules.CountryAllocation.Period);
        Assert.Equal(2 * rules.CountryAllocation.Tpp.Value, rules.GovernmentAgreementAllocation.Value);
        Assert.Equal(26_900_000, rules.LppAnnualCap.Value);
        Assert.All(
            [rules.CountryAllocation.Tpp, rules.GovernmentAgreementAllocation, rules.LppAnnualCap, .. rules.NveuSchedule.Select(s => s.CumulativeTpp)],
            v => Assert.False(string.IsNullOrWhiteSpace(v.Citation)));
        // NVEU end-of-year figures: 100k, 270k, 320k H100 at 15,832 TPP each.
        Assert.Equal([100_000L * 15_832, 270_000L * 15_832, 320_000L * 15_832], rules.NveuSchedule.Select(s => s.CumulativeTpp.Value));
    }

    [Fact]
    public void RuleSets_InheritOrLackTheFamily()
    {
        Assert.Same(Aid2025, Registry.Value.Get("aid-2026").Get<QuotaRules>());
        Assert.False(Registry.Value.Get("acr-2026").TryGet<QuotaRules>(out _));
        Assert.False(Registry.Value.Get("acr-2023").TryGet<QuotaRules>(out _));
    }

    [Theory]
    [InlineData("country/AE/2025-2027", "2026-06-01", 790_000_000L)]
    [InlineData("country/PL/2025-2027", "2025-02-01", 790_000_000L)] // Poland is Tier 2
    [InlineData("country/FR/2025-2027", "2026-06-01", null)] // Tier 1
    [InlineData("country/CN/2025-2027", "2026-06-01", null)] // Tier 3
    [InlineData("country/MO/2025-2027", "2026-06-01", null)] // Tier 3
    [InlineData("country/AE/2028-2030", "2026-06-01", null)] // not this file's period
    [InlineData("lpp/acme/2025", "2025-06-01", 26_900_000L)]
    [InlineData("lpp/acme/2031", "2026-06-01", 26_900_000L)]
    [InlineData("lpp/acme/2024", "2026-06-01", null)]
    [InlineData("nveu/v1/IN", "2025-01-13", 1_583_200_000L)]
    [InlineData("nveu/v1/IN", "2025-12-31", 1_583_200_000L)]
    [InlineData("nveu/v1/IN", "2026-01-01", 4_274_640_000L)]
    [InlineData("nveu/v1/IN", "2027-03-31", 5_066_240_000L)]
    [InlineData("nveu/v1/IN", "2030-01-01", 5_066_240_000L)]
    [InlineData("nveu/v1/IN", "2024-12-31", null)] // before the schedule
    [InlineData("nveu/v1/FR", "2026-06-01", 4_274_640_000L)] // an NVEU may be authorised in Tier 1 too
    [InlineData("nveu/v1/RU", "2026-06-01", null)] // never in D:5 / Macau
    public void Allocation_IsDefinedByTheRules(string bucket, string day, long? cap)
    {
        var allocation = Aid2025.Allocation(BucketId.Parse(bucket), DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), TierOf);
        Assert.Equal(cap, allocation?.Cap);
        if (allocation is not null)
        {
            Assert.NotEmpty(allocation.Citation);
        }
    }

    [Theory]
    [InlineData("\"value\": 4274640000", "\"value\": 1000", "$.nveu_schedule[1].cumulative_tpp.value")]
    [InlineData("\"from_quarter\": \"2026-Q1\"", "\"from_quarter\": \"2026-Q5\"", "$.nveu_schedule[1].from_quarter")]
    [InlineData("\"value\": 26900000", "\"value\": -1", "$.lpp_annual_cap.value")]
    [InlineData("\"period\": \"2025-2027\"", "\"period\": \"2025\"", "$.country_allocation.period")]
    public void BadData_StopsLoading_NamingFileAndField(string find, string replace, string path)
    {
        using var scratch = new ScratchRules();
        scratch.Replace(Path.Combine("aid-2025", "quotas.json"), find, replace);

        var error = scratch.LoadFails();

        Assert.Contains("quotas.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
