using Diffusion.Rules.Classification;
using FsCheck;
using FsCheck.Fluent;

namespace Diffusion.Rules.Tests.Classification;

public sealed class AggregationTests
{
    private static ChipSpec Chip(params ComputeRate[] rates) => new("test", rates, 1000m);

    [Fact]
    public void SeveralUnits_SameBitLength_AreSummed()
    {
        var result = Chips.Classify(Chip(new(8, 300m, "tensor"), new(8, 300m, "vector")));

        Assert.Equal(4800m, result.Tpp);
        Assert.Equal("3A090.a.1", result.Paragraph);
    }

    [Fact]
    public void OneUnit_Int8AndFp8_CountsItsHighestOnce()
    {
        var result = Chips.Classify(Chip(new(8, 600m, "tensor", "INT8"), new(8, 500m, "tensor", "FP8")));

        Assert.Equal(4800m, result.Tpp);
    }

    [Fact]
    public void SeveralBitLengths_TheHighestTppCounts()
    {
        var result = Chips.Classify(Chip(new(16, 200m, "tensor", "FP16"), new(8, 500m, "tensor", "FP8"), new(32, 50m, "tensor", "FP32")));

        Assert.Equal(4000m, result.Tpp);
        Assert.Equal(8, result.TppDetail!.BitLength);
        Assert.Equal([KeyValuePair.Create(8, 4000m), KeyValuePair.Create(16, 3200m), KeyValuePair.Create(32, 1600m)], result.TppDetail.PerBitLength);
    }

    [Fact]
    public void SeveralUnitsAndBitLengths_SumPerBitLengthThenTakeTheHighest()
    {
        // 8-bit: tensor max(400, 350) + vector 100 = 500 x 8 = 4000; 16-bit: tensor 200 + vector 110 = 310 x 16 = 4960.
        var result = Chips.Classify(Chip(
            new(8, 400m, "tensor", "INT8"), new(8, 350m, "tensor", "FP8"), new(8, 100m, "vector", "INT8"),
            new(16, 200m, "tensor", "FP16"), new(16, 110m, "vector", "FP16")));

        Assert.Equal(4960m, result.Tpp);
        Assert.Equal(16, result.TppDetail!.BitLength);
        Assert.Equal("3A090.a.1", result.Paragraph);
    }

    [Fact]
    public void UnitlessRates_AreOneUnit()
    {
        var result = Chips.Classify(Chip(new(8, 300m), new(8, 600m)));

        Assert.Equal(4800m, result.Tpp);
    }

    [Fact]
    public void ClassificationNeverDependsOnTheOrderOfRates()
    {
        var rate =
            from bits in Gen.Elements(1, 4, 8, 16, 32, 64)
            from quarterTops in Gen.Choose(0, 8000)
            from unit in Gen.Elements("", "tensor", "vector", "matrix")
            select new ComputeRate(bits, quarterTops / 4m, unit);
        var chip =
            from rates in rate.NonEmptyListOf()
            from area in Gen.Choose(50, 2000)
            from seed in Gen.Choose(0, int.MaxValue)
            select (Rates: rates.ToArray(), Area: (decimal)area, Seed: seed);

        Prop.ForAll(chip.ToArbitrary(), c =>
        {
            var shuffled = c.Rates.ToArray();
            new Random(c.Seed).Shuffle(shuffled);
            var a = ClassificationEvaluator.Classify(new ChipSpec("a", c.Rates, c.Area), Chips.Aid2025);
            var b = ClassificationEvaluator.Classify(new ChipSpec("b", shuffled, c.Area), Chips.Aid2025);
            return a.Tpp == b.Tpp && a.Eccn == b.Eccn && a.Paragraph == b.Paragraph
                && a.LicenseExceptions.SequenceEqual(b.LicenseExceptions) && a.PerformanceDensity == b.PerformanceDensity;
        }).QuickCheckThrowOnFailure();
    }
}
