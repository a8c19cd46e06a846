using Diffusion.Rules.ModelWeights;
using Diffusion.Rules.Tiers;
using static Diffusion.ModelWeights.Tests.Domain.TestRules;

namespace Diffusion.ModelWeights.Tests.Domain;

public sealed class ExportTests
{
    private static readonly ModelWeightsEvaluator Evaluator = ModelWeightsEvaluator.Default;

    private static ModelWeightsDecision Decide(WeightsExport export) =>
        Evaluator.Evaluate(Model(2e26), export, Aid2025(), AsOf);

    [Fact]
    public void Aia_AllConditionsMet_ExceptionAia()
    {
        var result = Decide(Export(destination: De, hq: Us, parent: Us, storage: true));
        Assert.True(result.Controlled);
        Assert.True(result.LicenseRequired);
        Assert.Equal("AIA", result.LicenseException);
        Assert.Equal("", result.ReviewPolicy);
        Assert.Contains(result.Reasons, r => r.Code == "AIA.AVAILABLE");
    }

    [Fact]
    public void Aia_Tier2Destination_StillAvailable()
    {
        // AIA needs a destination outside D:5/Macau, not a Tier 1 destination.
        Assert.Equal("AIA", Decide(Export(destination: Ae, hq: Us)).LicenseException);
    }

    public static TheoryData<WeightsExport, string, string> AiaSingleFailures => new()
    {
        { Export(destination: De, hq: Ae, parent: null, storage: true), "AIA.HEADQUARTERS", "case-by-case" },
        { Export(destination: De, hq: Us, parent: Ae, storage: true), "AIA.PARENT_HEADQUARTERS", "case-by-case" },
        { Export(destination: Mo, hq: Us, parent: Us, storage: true), "AIA.DESTINATION", "presumption of denial" },
        { Export(destination: De, hq: Us, parent: Us, storage: false), "AIA.STORAGE", "case-by-case" },
    };

    [Theory]
    [MemberData(nameof(AiaSingleFailures))]
    public void Aia_EachConditionFailingAlone_NoException(WeightsExport export, string failure, string reviewPolicy)
    {
        var result = Decide(export);
        Assert.True(result.LicenseRequired);
        Assert.Equal("", result.LicenseException);
        Assert.Equal(reviewPolicy, result.ReviewPolicy);
        var aiaFailures = result.Reasons.Where(r => r.Code.StartsWith("AIA.", StringComparison.Ordinal)).Select(r => r.Code);
        Assert.Equal([failure], aiaFailures);
    }

    [Fact]
    public void Aia_EveryFailingConditionReported()
    {
        var result = Decide(Export(destination: Cn, hq: Cn, parent: Cn, storage: false));
        Assert.Equal(
            ["AIA.HEADQUARTERS", "AIA.PARENT_HEADQUARTERS", "AIA.DESTINATION", "AIA.STORAGE"],
            result.Reasons.Where(r => r.Code.StartsWith("AIA.", StringComparison.Ordinal)).Select(r => r.Code));
        Assert.Equal("presumption of denial", result.ReviewPolicy);
    }

    [Theory]
    [InlineData("CN")]
    [InlineData("MO")]
    public void Tier3Destination_PresumptionOfDenial(string destination)
    {
        var result = Decide(Export(destination: new CountryInTier(destination, Tier.Tier3), hq: Us, parent: Us));
        Assert.Equal("presumption of denial", result.ReviewPolicy);
        Assert.Contains(result.Reasons, r => r.Code == "4E091.REVIEW.DESTINATION");
    }

    [Fact]
    public void Tier3HeadquarteredRecipientAbroad_PresumptionOfDenial()
    {
        // A Chinese-headquartered company's subsidiary in Germany: Tier 1 destination, Tier 3 headquarters.
        var result = Decide(Export(destination: De, hq: Cn));
        Assert.Equal("presumption of denial", result.ReviewPolicy);
        Assert.Contains(result.Reasons, r => r.Code == "4E091.REVIEW.HEADQUARTERS");
        Assert.DoesNotContain(result.Reasons, r => r.Code == "4E091.REVIEW.DESTINATION");
    }

    [Fact]
    public void Tier3UltimateParentAbroad_PresumptionOfDenial()
    {
        var result = Decide(Export(destination: Ae, hq: Ae, parent: Mo));
        Assert.Equal("presumption of denial", result.ReviewPolicy);
        Assert.Contains(result.Reasons, r => r.Code == "4E091.REVIEW.HEADQUARTERS" && r.Message.Contains("ultimate parent", StringComparison.Ordinal));
    }

    [Fact]
    public void Tier2Recipient_CaseByCase()
    {
        var result = Decide(Export(destination: Ae, hq: Ae));
        Assert.Equal("case-by-case", result.ReviewPolicy);
        Assert.Contains(result.Reasons, r => r.Code == "4E091.REVIEW.DEFAULT");
    }

    [Fact]
    public void NotControlled_NoLicence()
    {
        var result = Evaluator.Evaluate(Model(1e25), Export(destination: Cn, hq: Cn), Aid2025(), AsOf);
        Assert.False(result.LicenseRequired);
        Assert.Equal("", result.ReviewPolicy);
        Assert.DoesNotContain(result.Reasons, r => r.Code.StartsWith("AIA.", StringComparison.Ordinal));
    }
}
