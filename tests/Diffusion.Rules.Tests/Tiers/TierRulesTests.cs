using Diffusion.Rules.Tiers;

namespace Diffusion.Rules.Tests.Tiers;

public sealed class TierRulesTests
{
    private static readonly DateOnly March2025 = new(2025, 3, 1);

    private static Destinations Aid2025 => TestRules.Registry.Get("aid-2025").DestinationsOn(March2025);

    private static Destinations Aid2026(string day) => TestRules.Registry.Get("aid-2026").DestinationsOn(Day(day));

    private static DateOnly Day(string day) => DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("US", Tier.Tier1)]
    [InlineData("TW", Tier.Tier1)]
    [InlineData("GB", Tier.Tier1)]
    [InlineData("PL", Tier.Tier2)]
    [InlineData("CH", Tier.Tier2)]
    [InlineData("AE", Tier.Tier2)]
    [InlineData("IN", Tier.Tier2)]
    [InlineData("CN", Tier.Tier3)]
    [InlineData("MO", Tier.Tier3)]
    [InlineData("RU", Tier.Tier3)]
    public void TierOf_Destination(string country, Tier expected)
    {
        Assert.Equal(expected, Aid2025.TierOf(country).Tier);
    }

    // Cambodia was in D:5 from 2021-12-09 (86 FR 70015) until FR Doc 2026-02262 removed it effective 2026-02-03.
    [Theory]
    [InlineData("aid-2025", "2025-03-01", Tier.Tier3)]
    [InlineData("aid-2026", "2026-01-15", Tier.Tier3)]
    [InlineData("aid-2026", "2026-02-02", Tier.Tier3)]
    [InlineData("aid-2026", "2026-02-03", Tier.Tier2)]
    [InlineData("aid-2026", "2026-12-01", Tier.Tier2)]
    public void TierOf_Cambodia_Tier3UntilItLeftD5On20260203(string ruleSet, string day, Tier expected)
    {
        var tier = TestRules.Registry.Get(ruleSet).DestinationsOn(Day(day)).TierOf("KH");

        Assert.Equal(expected, tier.Tier);
        if (expected == Tier.Tier3)
        {
            var reason = Assert.Single(tier.Reasons);
            Assert.Contains("2026-02262", reason.Citation, StringComparison.Ordinal);
            Assert.Contains("86 FR 70015", reason.Citation, StringComparison.Ordinal);
            Assert.Equal(Confidence.Secondary, reason.Confidence);
        }
    }

    [Theory]
    [InlineData("2026-07-09", true, false)]
    [InlineData("2026-07-10", false, true)]
    public void Uae_LeavesD3AndD4ForA5On20260710(string day, bool inD4, bool inA5)
    {
        var destinations = Aid2026(day);

        Assert.Equal(inD4, destinations.IsInGroup("D:4", "AE"));
        Assert.Equal(inD4, destinations.IsInGroup("D:3", "AE"));
        Assert.Equal(inA5, destinations.IsInGroup("A:5", "AE"));
        Assert.Equal(inA5, destinations.IsInGroup("Named", "AE"));
        Assert.Equal(Tier.Tier2, destinations.TierOf("AE").Tier);
        Assert.True(destinations.IsAcaDestination("AE"));
    }

    [Fact]
    public void D5_ConfidenceIsSecondaryBeforeTheEcfrReadAndRegulatoryFrom20260723()
    {
        Assert.Equal(Confidence.Secondary, Aid2026("2026-07-22").Membership("D:5", "CN")!.Confidence);
        Assert.Equal(Confidence.Regulatory, Aid2026("2026-07-23").Membership("D:5", "CN")!.Confidence);
    }

    [Theory]
    [InlineData("AE", "CN", null, Tier.Tier3)]
    [InlineData("AE", "AE", "MO", Tier.Tier3)]
    [InlineData("DE", "US", "CN", Tier.Tier3)]
    [InlineData("AE", "US", null, Tier.Tier2)]
    [InlineData("JP", "IN", "", Tier.Tier1)]
    [InlineData("CN", "US", "US", Tier.Tier3)]
    public void EffectiveTier_HeadquartersInTier3_IsTier3Anywhere(string location, string? hq, string? parentHq, Tier expected)
    {
        var assessment = Aid2025.EffectiveTier(location, hq, parentHq);

        Assert.Equal(expected, assessment.Tier);
        Assert.All(assessment.Reasons, r => Assert.False(string.IsNullOrEmpty(r.Citation)));
    }

    [Fact]
    public void EffectiveTier_HeadquartersRule_GivesItsReason()
    {
        var assessment = Aid2025.EffectiveTier("AE", "CN", null);

        Assert.Contains(assessment.Reasons, r => r.Code == "TIER.HEADQUARTERS");
    }

    [Theory]
    [InlineData("CN", true, false)]
    [InlineData("MO", true, false)]
    [InlineData("AE", false, true)]
    [InlineData("SA", false, true)]
    [InlineData("VN", false, true)]
    [InlineData("DE", false, false)]
    public void NacAndAca_Destinations_InEverySet(string country, bool nac, bool aca)
    {
        foreach (var set in TestRules.Registry.All)
        {
            var destinations = set.DestinationsOn(set.Effective.From);
            Assert.Equal(nac, destinations.IsNacDestination(country));
            Assert.Equal(aca, destinations.IsAcaDestination(country));
        }
    }

    [Fact]
    public void Tiers_OnlyInAiDiffusionSets()
    {
        Assert.All(TestRules.Registry.All, s => Assert.Equal(s.Manifest.AiDiffusionFramework, s.DestinationsOn(s.Effective.From).HasTiers));
        Assert.Throws<InvalidOperationException>(() => TestRules.Registry.Get("acr-2026").DestinationsOn(new DateOnly(2026, 3, 1)).TierOf("CN"));
    }

    [Fact]
    public void Tier1_HasTheUnitedStatesAnd18Others()
    {
        Assert.Equal(19, Aid2025.Rules.Tiers!.Tier1.Value.Count);
    }
}
