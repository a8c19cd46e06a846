using Diffusion.Rules.EndUsers;

namespace Diffusion.EndUsers.Tests.Rules;

public sealed class UveuLimitTests
{
    [Theory]
    [InlineData(75, 25, true, 75, 0)]                       // exactly 75 %
    [InlineData(74, 26, false, 75, -1)]                     // 74 %
    [InlineData(3, 1, true, 3, 0)]                          // 3 of 4 = 75 %
    [InlineData(2, 1, false, 3, -1)]                        // 2 of 3 = 66.7 %: needs ceil(2.25) = 3
    [InlineData(7_500_000, 2_500_001, false, 7_500_001, -1)] // one TPP short of 75 %
    [InlineData(6_917_529_027_641_081_856, 2_305_843_009_213_693_951, true, 6_917_529_027_641_081_856, 0)] // total = long.MaxValue
    [InlineData(6_917_529_027_641_081_855, 2_305_843_009_213_693_952, false, 6_917_529_027_641_081_856, -1)]
    public void Tier1Share_AtTheBoundary(long tier1Installed, long deployInTier2, bool within, long limitTpp, long headroom)
    {
        var veu = Fixtures.Uveu(headquarters: "DE");
        var verdict = Fixtures.Check(veu, Fixtures.Base(veu.Id, ("DE", tier1Installed, 0)), "SA", deployInTier2);

        var check = verdict.Limit("UVEU.TIER1_SHARE");
        Assert.Equal(within, check.Within);
        Assert.Equal(limitTpp, check.LimitTpp);
        Assert.Equal(tier1Installed, check.ProjectedTpp);
        Assert.Equal(headroom, check.HeadroomTpp);
        Assert.StartsWith("15 CFR 748 Supp. 10 para 6", check.Citation, StringComparison.Ordinal);
        Assert.Equal(within, !verdict.Reasons.Any(r => r.Code == "UVEU.TIER1_SHARE" && r.Message.Contains("over by", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(93, 0, 0, 7, true, 7, 0)]       // exactly 7 %
    [InlineData(93, 0, 0, 8, false, 7, -1)]     // 8 of 101: at most floor(7.07) = 7
    [InlineData(93, 5, 5, 7, true, 7, 0)]       // attrition left the installed base: 5 - 5 + 7 = 7 of 100
    [InlineData(1_400, 0, 0, 100, true, 105, 5)]   // 100 of 1,500 = 6.67 %: at most floor(105)
    [InlineData(1_400, 0, 0, 106, false, 105, -1)] // 106 of 1,506: at most floor(105.42) = 105
    public void Tier2CountryShare_AtTheBoundary(long tier1, long deployedBefore, long attritionBefore, long tpp, bool within, long limitTpp, long headroom)
    {
        var veu = Fixtures.Uveu(headquarters: "DE");
        var before = deployedBefore == 0
            ? Fixtures.Base(veu.Id, ("DE", tier1, 0))
            : Fixtures.Base(veu.Id, ("DE", tier1, 0), ("SA", deployedBefore, attritionBefore));
        var check = Fixtures.Check(veu, before, "SA", tpp).Limit("UVEU.TIER2_COUNTRY_SHARE");

        Assert.Equal(within, check.Within);
        Assert.Equal(limitTpp, check.LimitTpp);
        Assert.Equal(headroom, check.HeadroomTpp);
    }

    [Theory]
    [InlineData(50, 50, true, 50, 0)]      // exactly 50 %
    [InlineData(49, 51, false, 50, -1)]
    [InlineData(1, 1, true, 1, 0)]
    [InlineData(1, 2, false, 2, -1)]       // 1 of 3: needs ceil(1.5) = 2
    public void UsShare_OfUsHeadquarteredUveu_AtTheBoundary(long inUs, long deployInGermany, bool within, long limitTpp, long headroom)
    {
        var veu = Fixtures.Uveu(headquarters: "US");
        var verdict = Fixtures.Check(veu, Fixtures.Base(veu.Id, ("US", inUs, 0)), "DE", deployInGermany);

        var check = verdict.Limit("UVEU.US_SHARE");
        Assert.Equal(within, check.Within);
        Assert.Equal(limitTpp, check.LimitTpp);
        Assert.Equal(headroom, check.HeadroomTpp);
        Assert.Equal(within, verdict.Allowed);   // Germany is Tier 1: the Tier 1 share is 100 %
    }

    [Fact]
    public void UsShare_IsNotTestedForAUveuHeadquarteredElsewhere()
    {
        var veu = Fixtures.Uveu(headquarters: "DE");
        var verdict = Fixtures.Check(veu, Fixtures.Base(veu.Id, ("US", 1, 0)), "DE", 100);

        Assert.DoesNotContain(verdict.Limits, l => l.LimitId == "UVEU.US_SHARE");
        Assert.True(verdict.Allowed);
    }

    [Fact]
    public void Deployment_WithinEveryLimit_IsAllowedWithEveryLimitReported()
    {
        var veu = Fixtures.Uveu(headquarters: "US");
        var verdict = Fixtures.Check(veu, Fixtures.Base(veu.Id, ("US", 1_000, 0)), "SA", 70);

        Assert.True(verdict.Allowed);
        Assert.Equal(["UVEU.TIER1_SHARE", "UVEU.TIER2_COUNTRY_SHARE", "UVEU.US_SHARE"], verdict.Limits.Select(l => l.LimitId));
        Assert.All(verdict.Limits, l => Assert.True(l.Within));
        Assert.Equal(74, verdict.Limit("UVEU.TIER2_COUNTRY_SHARE").LimitTpp);   // floor(7 % of 1,070)
    }

    [Fact]
    public void Deployment_BreakingSeveralLimits_ReportsEveryOne()
    {
        var veu = Fixtures.Uveu(headquarters: "US");
        var verdict = Fixtures.Check(veu, Fixtures.Base(veu.Id, ("US", 100, 0)), "SA", 101);

        Assert.False(verdict.Allowed);
        Assert.All(verdict.Limits, l => Assert.False(l.Within));
        Assert.Equal(3, verdict.Reasons.Count(r => r.Message.Contains("over by", StringComparison.Ordinal)));
    }

    [Fact]
    public void DeploymentIntoTier1_WhenAttritionLeftTheShareShort_IsAllowedAndReported()
    {
        var veu = Fixtures.Uveu(headquarters: "DE");
        var before = Fixtures.Base(veu.Id, ("DE", 100, 40), ("SA", 40, 0));   // 60 of 100 in Tier 1
        var verdict = Fixtures.Check(veu, before, "DE", 10);

        var check = verdict.Limit("UVEU.TIER1_SHARE");
        Assert.False(check.Within);
        Assert.True(verdict.Allowed);
        Assert.Contains(verdict.Reasons, r => r.Message.Contains("raises the share", StringComparison.Ordinal));
    }

    [Fact]
    public void NveuLimits_AreNotTestedForAUveu()
    {
        var veu = Fixtures.Uveu(headquarters: "DE");
        var verdict = Fixtures.Check(veu, InstalledBase.Empty(veu.Id), "DE", 1);

        Assert.DoesNotContain(verdict.Limits, l => l.LimitId.StartsWith("NVEU", StringComparison.Ordinal));
    }
}
