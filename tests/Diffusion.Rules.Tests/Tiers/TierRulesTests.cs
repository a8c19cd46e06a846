using Diffusion.Rules.Tiers;

namespace Diffusion.Rules.Tests.Tiers;

public sealed class TierRulesTests
{
    private static TierRules Aid2025 => TestRules.Registry.Get("aid-2025").Get<TierRules>();

    private static TierRules Aid2026 => TestRules.Registry.Get("aid-2026").Get<TierRules>();

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

    [Fact]
    public void TierOf_Cambodia_Tier3InJanuary2025WithUnverifiedConfidence_Tier2In2026()
    {
        var jan2025 = Aid2025.TierOf("KH");

        Assert.Equal(Tier.Tier3, jan2025.Tier);
        Assert.Equal(Confidence.Unverified, Assert.Single(jan2025.Reasons).Confidence);
        Assert.Equal(Tier.Tier2, Aid2026.TierOf("KH").Tier);
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
            var tiers = set.Get<TierRules>();
            Assert.Equal(nac, tiers.IsNacDestination(country));
            Assert.Equal(aca, tiers.IsAcaDestination(country));
        }
    }

    [Fact]
    public void Tiers_OnlyInAiDiffusionSets()
    {
        Assert.All(TestRules.Registry.All, s => Assert.Equal(s.Manifest.AiDiffusionFramework, s.Get<TierRules>().Tiers is not null));
        Assert.Throws<InvalidOperationException>(() => TestRules.Registry.Get("acr-2026").Get<TierRules>().TierOf("CN"));
    }

    [Fact]
    public void Tier1_HasTheUnitedStatesAnd18Others()
    {
        Assert.Equal(19, Aid2025.Tiers!.Tier1.Value.Count);
    }
}
