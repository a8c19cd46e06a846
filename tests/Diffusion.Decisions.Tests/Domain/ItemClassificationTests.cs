using Diffusion.Rules.Decisions;

namespace Diffusion.Decisions.Tests.Domain;

public sealed class ItemClassificationTests
{
    private static ItemClassification Chip(string eccn, double tpp, bool datacenter = true, double dram = 3350, string[]? exceptions = null) =>
        new("chip", ItemKind.Chip, eccn, eccn, tpp, tpp / 15832, datacenter,
            new HashSet<string>(exceptions ?? (eccn.Length == 0 ? [] : ["LPP", "AIA"])), tpp, dram);

    [Theory]
    [InlineData("3A090.a", "3A090.b", "4A090.a")]
    [InlineData("3A090.b", "", "4A090.b")]
    [InlineData("", "", "")]
    [InlineData("", "3A090.a", "4A090.a")]
    public void OfAssembly_FollowsTheStrongestChipInside(string first, string second, string expected)
    {
        var server = ItemClassification.OfAssembly("server", [(Chip(first, 5000), 4), (Chip(second, 3000), 2)]);

        Assert.Equal(expected, server.Eccn);
        Assert.Equal(ItemKind.Assembly, server.Kind);
        Assert.Equal((5000 * 4) + (3000 * 2), server.TppEach);
        Assert.Equal(5000, server.MaxChipTpp);
    }

    [Fact]
    public void OfAssembly_ExceptionsAreThoseEveryControlledChipHas()
    {
        var server = ItemClassification.OfAssembly("mixed", [
            (Chip("3A090.a", 15832, exceptions: ["LPP", "AIA", "NAC"]), 4),
            (Chip("3A090.a", 5285, datacenter: false, exceptions: ["NAC", "ACA", "LPP"]), 1),
            (Chip("", 100, exceptions: []), 8)]);

        Assert.Equal(["LPP", "NAC"], server.LicenseExceptions.Order(StringComparer.Ordinal));
        Assert.True(server.Datacenter);
    }

    [Fact]
    public void OfAssembly_UnknownBandwidthOfAControlledChip_IsUnknown()
    {
        var server = ItemClassification.OfAssembly("s", [(Chip("3A090.a", 15832, dram: 4800), 8), (Chip("3A090.a", 15832, dram: 0), 1)]);

        Assert.Equal(0, server.MaxChipDramBandwidthGbPerS);
    }

    [Fact]
    public void OfAssembly_EightH100Server_DecidedAs4A090UnderLpp()
    {
        var server = ItemClassification.OfAssembly("HGX H100", [(Chip("3A090.a", 15832), 8)]).ToItem(0, 10);

        var decision = Orders.Decide(Orders.Order("AE", [server]));

        Assert.Equal(Outcome.LicenseException, decision.Outcome);
        Assert.Equal("LPP", decision.LicenseException);
        Assert.Equal(15832L * 8 * 10, Assert.Single(decision.Draws).Tpp);
        Assert.Equal(80, decision.H100Equivalents, 6);
    }
}
