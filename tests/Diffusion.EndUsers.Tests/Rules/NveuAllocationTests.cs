using Diffusion.Rules;
using Diffusion.Rules.EndUsers;

namespace Diffusion.EndUsers.Tests.Rules;

public sealed class NveuAllocationTests
{
    private static readonly NveuAllocation Cap1000 = new(1_000, "2026-Q1", "15 CFR 748 Supp. 10 (NVEU schedule)", Confidence.Unverified);

    [Theory]
    [InlineData(900, 0, 100, true, 1_000, 0)]      // cap exactly reached
    [InlineData(900, 0, 101, false, 1_001, -1)]    // one over
    [InlineData(900, 300, 101, false, 1_001, -1)]  // attrition gives nothing back
    [InlineData(0, 0, 1_000, true, 1_000, 0)]
    [InlineData(0, 0, 1, true, 1, 999)]
    public void CountryAllocation_AtTheBoundary(long deployed, long attrition, long tpp, bool within, long projected, long headroom)
    {
        var veu = Fixtures.Nveu();
        var verdict = Fixtures.Check(veu, Fixtures.Base(veu.Id, ("AE", deployed, attrition)), "AE", tpp, Cap1000);

        var check = verdict.Limit("NVEU.COUNTRY_ALLOCATION");
        Assert.Equal(within, check.Within);
        Assert.Equal(1_000, check.LimitTpp);
        Assert.Equal(projected, check.ProjectedTpp);
        Assert.Equal(headroom, check.HeadroomTpp);
        Assert.Equal(within, verdict.Allowed);
        Assert.Equal(Confidence.Unverified, check.Confidence);
    }

    [Fact]
    public void CountryAllocation_CountsOnlyTheDestinationCountry()
    {
        var veu = Fixtures.Nveu("AE", "AE", "SA");
        var verdict = Fixtures.Check(veu, Fixtures.Base(veu.Id, ("SA", 5_000, 0)), "AE", 1_000, Cap1000);

        Assert.True(verdict.Allowed);
    }

    [Fact]
    public void NoAllocationInForce_IsRefused()
    {
        var veu = Fixtures.Nveu();
        var verdict = Fixtures.Check(veu, InstalledBase.Empty(veu.Id), "AE", 1, allocation: null);

        Assert.False(verdict.Allowed);
        Assert.Contains(verdict.Reasons, r => r.Code == "NVEU.COUNTRY_ALLOCATION");
    }

    [Fact]
    public void CountryNotAuthorised_IsRefusedAndTheAllocationStillReported()
    {
        var veu = Fixtures.Nveu("AE", "AE");
        var verdict = Fixtures.Check(veu, InstalledBase.Empty(veu.Id), "SA", 1, Cap1000);

        Assert.False(verdict.Allowed);
        Assert.Contains(verdict.Reasons, r => r.Code == "VEU.LOCATION" && r.Message.Contains("SA", StringComparison.Ordinal));
        Assert.True(verdict.Limit("NVEU.COUNTRY_ALLOCATION").Within);
    }

    [Fact]
    public void UveuShares_AreNotTestedForAnNveu()
    {
        var veu = Fixtures.Nveu();
        var verdict = Fixtures.Check(veu, InstalledBase.Empty(veu.Id), "AE", 1, Cap1000);

        Assert.Equal(["NVEU.COUNTRY_ALLOCATION"], verdict.Limits.Select(l => l.LimitId));
    }
}
