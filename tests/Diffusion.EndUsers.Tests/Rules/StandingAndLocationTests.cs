using Diffusion.Rules.EndUsers;

namespace Diffusion.EndUsers.Tests.Rules;

public sealed class StandingAndLocationTests
{
    [Theory]
    [InlineData(VeuStatus.Suspended)]
    [InlineData(VeuStatus.Revoked)]
    public void InactiveVeu_IsRefused(VeuStatus status)
    {
        var veu = Fixtures.Uveu("DE") with { Status = status };
        var verdict = Fixtures.Check(veu, InstalledBase.Empty(veu.Id), "DE", 1);

        Assert.False(verdict.Allowed);
        Assert.Contains(verdict.Reasons, r => r.Code == "VEU.STANDING" && r.Message.Contains(status.ToString(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1, false)]   // valid_to one tick before as_of
    [InlineData(0, false)]    // valid_to == as_of: [from, to) excludes it
    [InlineData(1, true)]
    public void Validity_IsHalfOpen(long ticksAfterAsOf, bool allowed)
    {
        var veu = new Veu("uveu-2", VeuKind.Universal, "X", "DE", "", [], VeuStatus.Active,
            Fixtures.AsOf.AddYears(-1), Fixtures.AsOf.AddTicks(ticksAfterAsOf));
        var verdict = Fixtures.Check(veu, InstalledBase.Empty(veu.Id), "DE", 1);

        Assert.Equal(allowed, verdict.Allowed);
    }

    [Theory]
    [InlineData("CN")]
    [InlineData("MO")]
    public void Tier3Destination_IsRefused(string country)
    {
        var veu = Fixtures.Uveu("DE");
        var verdict = Fixtures.Check(veu, Fixtures.Base(veu.Id, ("DE", 1_000_000, 0)), country, 1);

        Assert.False(verdict.Allowed);
        Assert.Contains(verdict.Reasons, r => r.Code == "VEU.LOCATION" && r.Message.Contains(country, StringComparison.Ordinal));
    }

    [Fact]
    public void UveuListingDatacenters_DeploysOnlyThere()
    {
        var veu = Fixtures.Uveu("DE", "", "DE", "FR");
        Assert.True(Fixtures.Check(veu, InstalledBase.Empty(veu.Id), "FR", 1).Allowed);
        Assert.False(Fixtures.Check(veu, InstalledBase.Empty(veu.Id), "JP", 1).Allowed);
    }

    [Fact]
    public void EveryFinding_IsCollected_NoShortCircuit()
    {
        var veu = Fixtures.Uveu("DE") with { Status = VeuStatus.Suspended };
        var verdict = Fixtures.Check(veu, Fixtures.Base(veu.Id, ("DE", 10, 0)), "CN", 10);

        Assert.Contains(verdict.Reasons, r => r.Code == "VEU.STANDING");
        Assert.Contains(verdict.Reasons, r => r.Code == "VEU.LOCATION");
        Assert.Contains(verdict.Reasons, r => r.Code == "UVEU.TIER1_SHARE");
    }
}
