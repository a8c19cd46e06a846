using Diffusion.Rules.Decisions;
using static Diffusion.Decisions.Tests.Domain.Orders;

namespace Diffusion.Decisions.Tests.Domain;

public sealed class DecisionEvaluatorTests
{
    [Theory]
    [InlineData("aid-2025", "FR", Outcome.LicenseException, "AIA")]
    [InlineData("aid-2025", "US", Outcome.LicenseException, "AIA")]
    [InlineData("aid-2025", "AE", Outcome.LicenseException, "LPP")]
    [InlineData("aid-2025", "PL", Outcome.LicenseException, "LPP")]
    [InlineData("aid-2025", "CN", Outcome.PresumptionOfDenial, "")]
    [InlineData("aid-2025", "MO", Outcome.PresumptionOfDenial, "")]
    [InlineData("aid-2025", "RU", Outcome.PresumptionOfDenial, "")]
    [InlineData("acr-2023", "FR", Outcome.NoLicenseRequired, "")]
    [InlineData("acr-2023", "PL", Outcome.NoLicenseRequired, "")]
    [InlineData("acr-2023", "AE", Outcome.LicenseRequired, "")]
    [InlineData("acr-2023", "CN", Outcome.PresumptionOfDenial, "")]
    public void Evaluate_DatacenterChipByDestination(string ruleSet, string destination, Outcome outcome, string exception)
    {
        var decision = Decide(Order(destination, [H100(10)], ruleSet, asOf: "2025-03-01"));

        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(exception, decision.LicenseException);
    }

    // Cambodia left D:5 on 2026-02-03 (FR Doc 2026-02262): Tier 3 before, Tier 2 (framework) or a D:1 licence destination after.
    [Theory]
    [InlineData("aid-2026", "2026-02-02", Outcome.PresumptionOfDenial, "")]
    [InlineData("aid-2026", "2026-02-03", Outcome.LicenseException, "LPP")]
    [InlineData("acr-2026", "2026-02-02", Outcome.PresumptionOfDenial, "")]
    [InlineData("acr-2026", "2026-02-03", Outcome.LicenseRequired, "")]
    public void Evaluate_Cambodia_OnEitherSideOfLeavingD5(string ruleSet, string asOf, Outcome outcome, string exception)
    {
        var decision = Decide(Order("KH", [H100(10)], ruleSet, asOf: asOf));

        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(exception, decision.LicenseException);
    }

    [Fact]
    public void Evaluate_Tier1_DrawsNothing()
    {
        var decision = Decide(Order("DE", [H100(1000)]));

        Assert.Empty(decision.Draws);
        Assert.Contains(decision.Reasons, r => r.Code == "AIA.TIER1" && r.Citation.Contains("740.27", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_SmallTier2Order_DrawsLppConsigneeYearBucketRoundedUp()
    {
        var chip = Chip("odd", "3A090.a", "3A090.a.1", 4800.25, 3);

        var decision = Decide(Order("AE", [chip], asOf: "2026-02-01", ruleSet: "aid-2026"));

        Assert.Equal(Outcome.LicenseException, decision.Outcome);
        var draw = Assert.Single(decision.Draws);
        Assert.Equal("lpp/acme/2026", draw.BucketId);
        Assert.Equal(14401, draw.Tpp);
        Assert.Equal(DrawMechanism.LowProcessingPerformance, draw.Mechanism);
    }

    [Fact]
    public void Evaluate_LppCapExhausted_LicenceRequiredDrawingCountryAllocation()
    {
        var decision = Decide(Order("AE", [H100(2000)], allocations: new AllocationState(LppExhausted: true)));

        Assert.Equal(Outcome.LicenseRequired, decision.Outcome);
        Assert.Equal("presumption of approval within the country allocation", decision.ReviewPolicy);
        var draw = Assert.Single(decision.Draws);
        Assert.Equal("country/AE/2025-2027", draw.BucketId);
        Assert.Equal(15832L * 2000, draw.Tpp);
        Assert.Contains(decision.Reasons, r => r.Code == "LPP.ANNUAL_CAP");
    }

    [Fact]
    public void Evaluate_CountryAllocationExhausted_PresumptionOfDenialNoDraw()
    {
        var decision = Decide(Order("AE", [H100(2000)], allocations: new AllocationState(LppExhausted: true, CountryAllocationExhausted: true)));

        Assert.Equal(Outcome.PresumptionOfDenial, decision.Outcome);
        Assert.Empty(decision.Draws);
        Assert.Contains(decision.Reasons, r => r.Code == "COUNTRY_ALLOCATION.EXHAUSTED");
    }

    [Theory]
    [InlineData("CN", "", Outcome.PresumptionOfDenial)]
    [InlineData("", "CN", Outcome.PresumptionOfDenial)]
    [InlineData("RU", "", Outcome.PresumptionOfDenial)]
    [InlineData("MO", "DE", Outcome.PresumptionOfDenial)]
    [InlineData("DE", "US", Outcome.LicenseException)]
    public void Evaluate_Tier3HeadquarteredConsigneeAbroad_IsTier3Anywhere(string headquarters, string parent, Outcome outcome)
    {
        var decision = Decide(Order("MY", [H100(8)], headquarters: headquarters, parent: parent));

        Assert.Equal(outcome, decision.Outcome);
        if (outcome == Outcome.PresumptionOfDenial)
        {
            Assert.Contains(decision.Reasons, r => r.Code == "TIER3.HEADQUARTERS");
            Assert.Empty(decision.Draws);
        }
    }

    [Fact]
    public void Evaluate_Tier3HeadquarteredConsigneeInTier1_NoAia()
    {
        var decision = Decide(Order("DE", [H100(8)], headquarters: "CN"));

        Assert.Equal(Outcome.PresumptionOfDenial, decision.Outcome);
        Assert.DoesNotContain(decision.Reasons, r => r.Code == "AIA.TIER1");
    }

    [Theory]
    // The band: TPP < 21,000 and DRAM bandwidth < 6,500 GB/s, from the US, from 2026-01-15, rule sets with it.
    [InlineData("aid-2026", "2026-02-01", "CN", 15832, 4800, "US", Outcome.LicenseRequired)]
    [InlineData("acr-2026", "2026-02-01", "MO", 15832, 4800, "US", Outcome.LicenseRequired)]
    [InlineData("aid-2026", "2026-02-01", "CN", 20999.99, 6499.99, "US", Outcome.LicenseRequired)]
    [InlineData("aid-2026", "2026-02-01", "CN", 21000, 4800, "US", Outcome.PresumptionOfDenial)]
    [InlineData("aid-2026", "2026-02-01", "CN", 15832, 6500, "US", Outcome.PresumptionOfDenial)]
    [InlineData("aid-2026", "2026-02-01", "CN", 15832, 0, "US", Outcome.PresumptionOfDenial)]
    [InlineData("aid-2026", "2026-02-01", "CN", 15832, 4800, "KR", Outcome.PresumptionOfDenial)]
    [InlineData("aid-2026", "2026-01-14", "CN", 15832, 4800, "US", Outcome.PresumptionOfDenial)]
    [InlineData("aid-2026", "2026-01-15", "CN", 15832, 4800, "US", Outcome.LicenseRequired)]
    [InlineData("aid-2025", "2026-02-01", "CN", 15832, 4800, "US", Outcome.PresumptionOfDenial)]
    [InlineData("aid-2026", "2026-02-01", "RU", 15832, 4800, "US", Outcome.PresumptionOfDenial)]
    public void Evaluate_ChinaMacauCaseByCaseBand(string ruleSet, string asOf, string destination, double tpp, double dram, string origin, Outcome outcome)
    {
        var chip = Chip("chip", "3A090.a", "3A090.a.1", tpp, 4, dram: dram);

        var decision = Decide(Order(destination, [chip], ruleSet, asOf: asOf, origin: origin));

        Assert.Equal(outcome, decision.Outcome);
        if (outcome == Outcome.LicenseRequired)
        {
            Assert.Equal("case-by-case, with conditions", decision.ReviewPolicy);
            Assert.Contains(decision.Reasons, r => r.Code == "CASE_BY_CASE.BAND" && r.Citation.Contains("91 FR 1684", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Evaluate_ChinaHeadquarteredConsigneeAbroad_BandAppliesUnderAid2026()
    {
        var decision = Decide(Order("MY", [H200(4)], "aid-2026", headquarters: "CN", asOf: "2026-06-01"));

        Assert.Equal(Outcome.LicenseRequired, decision.Outcome);
        Assert.Equal("case-by-case, with conditions", decision.ReviewPolicy);
        Assert.Contains(decision.Reasons, r => r.Code == "TIER3.HEADQUARTERS" && r.Citation.Contains("2026-05-31", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("CN", "NAC")]
    [InlineData("AE", "ACA")]
    public void Evaluate_NonDatacenterGpu_NacOrAca(string destination, string exception)
    {
        var rtx = Chip("GeForce RTX 4090", "3A090.a", "3A090.a.1", 5285, 50, datacenter: false);

        var decision = Decide(Order(destination, [rtx]));

        Assert.Equal(Outcome.LicenseException, decision.Outcome);
        Assert.Equal(exception, decision.LicenseException);
        Assert.Empty(decision.Draws);
    }

    [Fact]
    public void Evaluate_NonDatacenterGpuOutside3A090_NoLicenceRequired()
    {
        var rtx = Chip("GeForce RTX 4090D", "", "", 4707, 50, datacenter: false);

        var decision = Decide(Order("CN", [rtx]));

        Assert.Equal(Outcome.NoLicenseRequired, decision.Outcome);
        Assert.Contains(decision.Reasons, r => r.Code == "ITEM.OUTSIDE_3A090");
    }

    [Theory]
    [InlineData("CN", true, Outcome.LicenseException, "HBM")]
    [InlineData("CN", false, Outcome.PresumptionOfDenial, "")]
    [InlineData("AE", false, Outcome.NoLicenseRequired, "")]
    [InlineData("FR", true, Outcome.NoLicenseRequired, "")]
    public void Evaluate_Hbm(string destination, bool eligible, Outcome outcome, string exception)
    {
        var decision = Decide(Order(destination, [Hbm(eligible)]));

        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(exception, decision.LicenseException);
        Assert.Empty(decision.Draws);
    }

    [Fact]
    public void Evaluate_Nveu_DrawsNveuBucket()
    {
        var veu = new VeuFinding("dc-in-1", VeuKind.National, true, true, true, []);

        var decision = Decide(Order("IN", [H100(5000)], veu: veu));

        Assert.Equal(Outcome.LicenseException, decision.Outcome);
        Assert.Equal("VEU", decision.LicenseException);
        var draw = Assert.Single(decision.Draws);
        Assert.Equal("nveu/dc-in-1/IN", draw.BucketId);
        Assert.Equal(15832L * 5000, draw.Tpp);
    }

    [Fact]
    public void Evaluate_Uveu_DrawsNothing()
    {
        var veu = new VeuFinding("hyperscaler", VeuKind.Universal, true, true, true, []);

        var decision = Decide(Order("IN", [H100(5000)], veu: veu));

        Assert.Equal(Outcome.LicenseException, decision.Outcome);
        Assert.Equal("VEU", decision.LicenseException);
        Assert.Empty(decision.Draws);
        Assert.Contains(decision.Reasons, r => r.Code == "VEU.UVEU");
    }

    [Theory]
    [InlineData(false, true, true, false)]
    [InlineData(true, false, true, false)]
    [InlineData(true, true, false, false)]
    [InlineData(true, true, true, true)]
    public void Evaluate_VeuNotApplicable_FallsBackToLpp(bool active, bool authorised, bool withinLimits, bool nveuExhausted)
    {
        var veu = new VeuFinding("dc-in-1", VeuKind.National, active, authorised, withinLimits, []);

        var decision = Decide(Order("IN", [H100(5)], veu: veu, allocations: new AllocationState(NveuExhausted: nveuExhausted)));

        Assert.Equal("LPP", decision.LicenseException);
        Assert.Contains(decision.Reasons, r => r.Code == "VEU.NOT_APPLICABLE");
        Assert.Equal("lpp/acme/2025", Assert.Single(decision.Draws).BucketId);
    }

    [Theory]
    [InlineData(false, false, "", "", Outcome.NoLicenseRequired, "")]
    [InlineData(true, false, "AIA", "", Outcome.LicenseException, "AIA")]
    [InlineData(true, true, "", "case-by-case", Outcome.LicenseRequired, "")]
    [InlineData(true, true, "", "presumption of denial", Outcome.PresumptionOfDenial, "")]
    public void Evaluate_ModelWeights(bool controlled, bool licenceRequired, string exception, string policy, Outcome outcome, string expectedException)
    {
        var finding = new ModelWeightsFinding(controlled, controlled ? "4E091" : "", licenceRequired, exception, policy, []);

        var decision = Decide(Order("AE", [Weights(finding)]));

        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(expectedException, decision.LicenseException);
        Assert.Empty(decision.Draws);
    }

    [Fact]
    public void Evaluate_MixedOrder_StrictestLineDecidesAndEveryFindingIsKept()
    {
        var items = new[] { H100(10, 0), Chip("GeForce RTX 4090", "3A090.a", "3A090.a.1", 5285, 5, index: 1, datacenter: false), Hbm(true, index: 2) };

        var decision = Decide(Order("AE", items, allocations: new AllocationState(LppExhausted: true)));

        Assert.Equal(Outcome.LicenseRequired, decision.Outcome);
        Assert.Equal(Outcome.LicenseException, decision.Items[1].Outcome);
        Assert.Equal("ACA", decision.Items[1].LicenseException);
        Assert.Equal(Outcome.NoLicenseRequired, decision.Items[2].Outcome);
        Assert.Equal(15832L * 10, Assert.Single(decision.Draws).Tpp);
        Assert.Contains(decision.Reasons, r => r.Code == "HBM.OUTSIDE_TIER3");
        Assert.Contains(decision.Reasons, r => r.Code == "LPP.ANNUAL_CAP");
    }

    [Fact]
    public void Evaluate_SameOrderUnderTwoRuleSets_Differs()
    {
        var under2025 = Decide(Order("CN", [H200(100)], "aid-2025", asOf: "2026-02-01"));
        var under2026 = Decide(Order("CN", [H200(100)], "aid-2026", asOf: "2026-02-01"));

        Assert.Equal(Outcome.PresumptionOfDenial, under2025.Outcome);
        Assert.Equal(Outcome.LicenseRequired, under2026.Outcome);
    }

    [Fact]
    public void Evaluate_TotalsAndH100Equivalents()
    {
        var decision = Decide(Order("FR", [H100(3, 0), B200(1, 1)]));

        Assert.Equal((15832 * 3) + 36000, decision.TotalTpp, 6);
        Assert.Equal(decision.TotalTpp / 15832, decision.H100Equivalents, 9);
    }

    [Fact]
    public void Evaluate_EveryReasonCitesItsSource()
    {
        var decision = Decide(Order("CN", [H100(1, 0), Hbm(true, 1), Chip("x", "", "", 100, 1, 2)], "aid-2026", asOf: "2026-07-01"));

        Assert.All(decision.Reasons, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.Citation), r.Code);
            Assert.True(Enum.IsDefined(r.Confidence), r.Code);
        });
    }

    [Fact]
    public void Evaluate_ZeroQuantity_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Decide(Order("FR", [H100(0)])));
    }

    [Theory]
    [InlineData(15832.0, 1u, 15832L)]
    [InlineData(4800.0001, 1u, 4801L)]
    [InlineData(0.1, 3u, 1L)]
    [InlineData(15832.0, 1000000u, 15832000000L)]
    public void WholeTpp_RoundsChipTppTimesQuantityUp(double tpp, uint quantity, long expected)
    {
        Assert.Equal(expected, Chip("c", "3A090.a", "3A090.a.1", tpp, quantity).WholeTpp);
    }
}
