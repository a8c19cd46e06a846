using Diffusion.Rules.EndUsers;

namespace Diffusion.EndUsers.Tests.Rules;

public sealed class SharePercentTests
{
    [Theory]
    [InlineData("75", 100, 75, 75)]
    [InlineData("75", 4, 3, 3)]
    [InlineData("75", 5, 4, 3)]          // 3.75: at least 4, at most 3
    [InlineData("7", 100, 7, 7)]
    [InlineData("7", 101, 8, 7)]         // 7.07
    [InlineData("50", 3, 2, 1)]
    [InlineData("7.5", 1000, 75, 75)]
    [InlineData("0.000001", 100_000_000, 1, 1)]
    [InlineData("100", 9_223_372_036_854_775_807, 9_223_372_036_854_775_807, 9_223_372_036_854_775_807)]
    [InlineData("75", 9_223_372_036_854_775_807, 6_917_529_027_641_081_856, 6_917_529_027_641_081_855)]
    public void MinimumAndMaximum_RoundToTheSafeSide(string percent, long total, long minimum, long maximum)
    {
        var share = new SharePercent(decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(minimum, share.MinimumOf(total));
        Assert.Equal(maximum, share.MaximumOf(total));
    }

    [Theory]
    [InlineData(75, 100, true, true)]
    [InlineData(74, 100, false, true)]
    [InlineData(76, 100, true, false)]
    [InlineData(6_917_529_027_641_081_856, 9_223_372_036_854_775_807, true, false)]
    [InlineData(6_917_529_027_641_081_855, 9_223_372_036_854_775_807, false, true)]
    public void Comparisons_AreExactAt75Percent(long part, long total, bool atLeast, bool atMost)
    {
        var share = new SharePercent(75m);
        Assert.Equal(atLeast, share.IsAtLeastShareOf(part, total));
        Assert.Equal(atMost, share.IsAtMostShareOf(part, total));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("100.5")]
    [InlineData("0.0000001")]
    public void Constructor_RejectsOutOfRange(string percent) =>
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new SharePercent(decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture)));
}
