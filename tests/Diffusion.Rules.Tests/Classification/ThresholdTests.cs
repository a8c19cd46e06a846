using Diffusion.Rules.Classification;

namespace Diffusion.Rules.Tests.Classification;

public sealed class ThresholdTests
{
    // dense TOPS, bit length, applicable die area (mm2) -> ECCN, paragraph. TPP = TOPS x bits; PD = TPP / area.
    [Theory]
    // 3A090.a.1: TPP >= 4800 (the rule's own examples: 300 TFLOPS x 16 and 600 TOPS x 8)
    [InlineData(300, 16, 10000, "3A090.a", "3A090.a.1")]
    [InlineData(600, 8, 10000, "3A090.a", "3A090.a.1")]
    [InlineData(4800, 1, 10000, "3A090.a", "3A090.a.1")]
    [InlineData(4799.99, 1, 10000, "", "")]                    // PD 0.48: below every band
    [InlineData(4799.99, 1, 1000, "3A090.b", "3A090.b.1")]     // PD 4.79999: b.1 (and b.2)
    [InlineData(4800, 1, 1000, "3A090.a", "3A090.a.1")]        // a.1 wins over b.2 at PD 4.8
    // 3A090.a.2: TPP >= 1600 and PD >= 5.92
    [InlineData(2960, 1, 500, "3A090.a", "3A090.a.2")]         // PD 5.92 exactly
    [InlineData(2959.99, 1, 500, "3A090.b", "3A090.b.1")]      // PD 5.91998
    [InlineData(2960, 1, 500.01, "3A090.b", "3A090.b.1")]      // PD 5.91988
    [InlineData(1600, 1, 250, "3A090.a", "3A090.a.2")]         // TPP 1600 exactly, PD 6.4
    [InlineData(1599.99, 1, 250, "", "")]                      // TPP below 1600: nothing applies
    [InlineData(1600, 1, 1600 / 5.92, "3A090.a", "3A090.a.2")] // area from a double division: PD 5.92 within 15 digits
    // 3A090.b.1: 2400 <= TPP < 4800 and 1.6 <= PD < 5.92
    [InlineData(2400, 1, 1500, "3A090.b", "3A090.b.1")]        // TPP 2400, PD 1.6 exactly
    [InlineData(2400, 1, 1500.1, "", "")]                      // PD 1.59989
    [InlineData(2399.99, 1, 1499.99375, "", "")]               // TPP 2399.99, PD 1.6
    [InlineData(4000, 1, 2500, "3A090.b", "3A090.b.1")]        // PD 1.6 exactly, TPP well inside
    [InlineData(4799.99, 1, 3000, "", "")]                     // PD 1.5999967: under b.1's 1.6
    // 3A090.b.2: TPP >= 1600 and 3.2 <= PD < 5.92
    [InlineData(1600, 1, 500, "3A090.b", "3A090.b.2")]         // PD 3.2 exactly
    [InlineData(1600, 1, 500.1, "", "")]                       // PD 3.19936
    [InlineData(2000, 1, 600, "3A090.b", "3A090.b.2")]         // PD 3.33
    [InlineData(2000, 1, 625, "3A090.b", "3A090.b.2")]         // PD 3.2 exactly
    [InlineData(2000, 1, 626, "", "")]                         // PD 3.1949
    public void Chip_AtAndAroundEveryThreshold(double tops, int bits, double area, string eccn, string paragraph)
    {
        var result = Chips.Classify(Chips.Single(tops, bits, area));

        Assert.Equal(eccn, result.Eccn);
        Assert.Equal(paragraph, result.Paragraph);
    }

    [Fact]
    public void Tpp_RuleExamples_AreExactly4800()
    {
        Assert.Equal(4800m, Chips.Classify(Chips.Single(300, 16, 1000)).Tpp);
        Assert.Equal(4800m, Chips.Classify(Chips.Single(600, 8, 1000)).Tpp);
    }

    [Fact]
    public void Pd_5920Over1000_IsExactly592()
    {
        Assert.Equal(5.92m, Chips.Classify(Chips.Single(740, 8, 1000)).PerformanceDensity);
    }

    [Fact]
    public void FloatingNoise_BeyondFifteenDigits_DoesNotMoveABoundary()
    {
        var tops = 0.1 * 3 * 1000; // 300.00000000000006 in binary floating point
        Assert.NotEqual(300.0, tops);

        var result = Chips.Classify(Chips.Single(tops, 16, 10000));

        Assert.Equal(4800m, result.Tpp);
        Assert.Equal("3A090.a.1", result.Paragraph);
    }

    [Theory]
    [InlineData(4800, true, "3A090.a", "NAC,ACA,LPP,AIA")]
    [InlineData(4799.99, true, "3A090.b", "NAC,ACA,LPP,AIA")]
    [InlineData(4800, false, "3A090.a", "NAC,ACA,LPP,AIA")]
    [InlineData(4799.99, false, "", "")]
    [InlineData(2400, false, "", "")]
    public void NotForDatacenter_OutsideBelow4800_NacAcaFrom4800(double tpp, bool datacenter, string eccn, string exceptions)
    {
        var result = Chips.Classify(Chips.Single(tpp, 1, 1000, datacenter));

        Assert.Equal(eccn, result.Eccn);
        Assert.Equal(exceptions, string.Join(',', result.LicenseExceptions));
        Assert.Equal(datacenter, result.Datacenter);
    }

    [Fact]
    public void NotForDatacenter_At4800_SaysWhyNacAca()
    {
        var result = Chips.Classify(Chips.Single(4800, 1, 1000, datacenter: false));

        Assert.Contains(result.Reasons, r => r.Code == "NOT_FOR_DATACENTER.EXCEPTIONS");
    }

    [Theory]
    [InlineData("aid-2025", "NAC,ACA,LPP,AIA")]
    [InlineData("aid-2026", "NAC,ACA,LPP,AIA")]
    [InlineData("acr-2023", "NAC,ACA")]
    [InlineData("acr-2026", "NAC,ACA")]
    public void LicenseExceptions_DependOnTheRuleSet(string ruleSet, string expected)
    {
        var rules = TestRules.Registry.Get(ruleSet).Get<ClassificationRules>();

        var result = ClassificationEvaluator.Classify(Chips.Single(1979, 8, 814), rules);

        Assert.Equal(expected, string.Join(',', result.LicenseExceptions));
    }

    [Fact]
    public void Outside3A090_HasNoLicenseExceptions()
    {
        Assert.Empty(Chips.Classify(Chips.Single(296, 8, 814)).LicenseExceptions);
    }

    // bandwidth GB/s over area mm2 -> ECCN and License Exception HBM
    [Theory]
    [InlineData(2000, 1000, "", "")]          // density 2.0 exactly: not above 2
    [InlineData(2010, 1000, "3A090.c", "HBM")]
    [InlineData(3290, 1000, "3A090.c", "HBM")]
    [InlineData(3300, 1000, "3A090.c", "")]   // density 3.3 exactly: not below 3.3
    [InlineData(4000, 1000, "3A090.c", "")]
    [InlineData(1000, 1000, "", "")]
    public void Memory_3A090c_AndLicenseExceptionHbm(double bandwidth, double area, string eccn, string exceptions)
    {
        var result = ClassificationEvaluator.Classify(new MemorySpec("hbm", (decimal)bandwidth, (decimal)area), Chips.Aid2025);

        Assert.Equal(eccn, result.Eccn);
        Assert.Equal(eccn, result.Paragraph);
        Assert.Equal(exceptions, string.Join(',', result.LicenseExceptions));
        Assert.Equal((decimal)bandwidth / (decimal)area, result.MemoryBandwidthDensity);
    }

    [Fact]
    public void H100Equivalents_IsTppOverH100Tpp()
    {
        var result = Chips.Classify(Chips.Single(1979 * 2, 8, 1000));

        Assert.Equal(2m, result.H100Equivalents);
        Assert.Equal(31664, result.WholeTpp);
    }

    [Fact]
    public void UnknownArea_BandNeedingDensity_IsUndecidedAndSaysSo()
    {
        var result = Chips.Classify(Chips.Single(3000, 1, null));

        Assert.Equal("", result.Eccn);
        Assert.Null(result.PerformanceDensity);
        Assert.Contains(result.Reasons, r => r.Code == "3A090.A.2.UNDECIDED" && r.Confidence == Confidence.Unverified);
    }

    [Fact]
    public void Reasons_CiteEveryParagraphTested()
    {
        var result = Chips.Classify(Chips.Single(1979, 8, 814));

        Assert.Equal(["TPP", "PD", "3A090.A.1", "3A090.A.2", "3A090.B.1.NOT_MET", "3A090.B.2.NOT_MET", "LICENSE_EXCEPTIONS", "H100_EQUIVALENTS"],
            result.Reasons.Select(r => r.Code));
        Assert.All(result.Reasons, r => Assert.False(string.IsNullOrWhiteSpace(r.Citation)));
        Assert.Contains("3A090.a.1", result.Reasons[2].Citation, StringComparison.Ordinal);
    }
}
