using Diffusion.Rules.ModelWeights;

namespace Diffusion.ModelWeights.Tests.Domain;

public sealed class OperationsConversionTests
{
    [Fact]
    public void FromDouble_1e26_IsExactlyTenToThe26()
    {
        Assert.Equal(100_000_000_000_000_000_000_000_000m, TrainingOperations.FromDouble(1e26).Value);
    }

    [Fact]
    public void FromDouble_LargestDoubleBelow1e26_StaysBelow()
    {
        // A plain (decimal) cast rounds this to 15 digits, i.e. to 1e26: the conversion must not.
        var below = Math.BitDecrement(1e26);
        Assert.True(TrainingOperations.FromDouble(below).Value < 1e26m);
        Assert.Equal(99_999_999_999_999_990_000_000_000m, TrainingOperations.FromDouble(below).Value);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "finite")]
    [InlineData(double.NegativeInfinity, "finite")]
    [InlineData(-1.0, "negative")]
    [InlineData(-1e26, "negative")]
    [InlineData(2e28, "exceed")]
    public void TryFromDouble_Invalid_FailsWithProblem(double value, string problem)
    {
        Assert.False(TrainingOperations.TryFromDouble(value, out _, out var message));
        Assert.Contains(problem, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1e28, "10000000000000000000000000000")]
    [InlineData(1.9e28, "19000000000000000000000000000")]
    [InlineData(6.5, "6")]
    [InlineData(2.5e25, "25000000000000000000000000")]
    public void FromDouble_Valid_IsWholeAndExact(double value, string expected)
    {
        Assert.Equal(expected, TrainingOperations.FromDouble(value).Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Sum_OfMaximumInputs_DoesNotOverflow()
    {
        var max = TrainingOperations.FromDouble(1.9e28);
        Assert.Equal(7.6e28m, (max + max + max + max).Value);
    }

    [Fact]
    public void Sum_AtThreshold_IsExact()
    {
        // 7e25 + 3e25 in double is 1.0000000000000001e26 or 9.999999999999999e25 depending on rounding; in decimal it is 1e26.
        Assert.Equal(1e26m, (TrainingOperations.FromDouble(7e25) + TrainingOperations.FromDouble(3e25)).Value);
        Assert.Equal(1e26m, (TrainingOperations.FromDouble(9.9e25) + TrainingOperations.FromDouble(1e24)).Value);
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    public void Share_FromDouble_IsWhatTheSenderWrote(double value, string expected)
    {
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), OperationsShare.FromDouble(value).Value);
    }

    [Fact]
    public void Share_NextDoubleAbove01_IsAbove10Percent()
    {
        Assert.True(OperationsShare.FromDouble(Math.BitIncrement(0.1)).Value > 0.1m);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-0.01)]
    [InlineData(1.0000000000000002)]
    public void Share_Invalid_Fails(double value)
    {
        Assert.False(OperationsShare.TryFromDouble(value, out _, out var problem));
        Assert.NotNull(problem);
    }

    [Theory]
    [InlineData(1e26, "1e26")]
    [InlineData(2.5e25, "2.5e25")]
    [InlineData(12345.0, "12345")]
    public void ToString_IsScientific(double value, string expected)
    {
        Assert.Equal(expected, TrainingOperations.FromDouble(value).ToString());
    }
}
