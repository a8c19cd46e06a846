using Diffusion.Rules.ModelWeights;
using static Diffusion.ModelWeights.Tests.Domain.TestRules;

namespace Diffusion.ModelWeights.Tests.Domain;

public sealed class RedFlag28Tests
{
    public static TheoryData<double, string, string?, bool> Cases => new()
    {
        { 1e26, "AE", null, true },                          // exactly the threshold, Tier 2 customer
        { Math.BitDecrement(1e26), "AE", null, false },      // just below
        { 1e26, "US", null, false },                         // Tier 1 customer
        { 1e26, "US", "CN", true },                          // Tier 1 customer, Tier 3 ultimate parent
        { 5e26, "CN", null, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void RedFlag28_TrainingPastThresholdForCustomerOutsideTier1(double planned, string hq, string? parent, bool flagged)
    {
        static CountryInTier C(string code) => code switch
        {
            "US" => Us,
            "AE" => Ae,
            _ => Cn,
        };
        var run = new TrainingRun("c", Ops(planned), C(hq), parent is null ? null : C(parent));
        var result = ModelWeightsEvaluator.Default.Assess(run, Aid2025(), AsOf);
        Assert.Equal(flagged, result.RedFlag);
        Assert.Equal(flagged ? "RED_FLAG_28" : "", result.RedFlagId);
        Assert.Equal(planned >= 1e26, result.ExceedsThreshold);
        Assert.Equal(flagged ? 2 : 0, result.RequiredInquiries.Count);
    }
}
