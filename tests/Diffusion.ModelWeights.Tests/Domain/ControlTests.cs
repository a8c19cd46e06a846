using Diffusion.Rules;
using Diffusion.Rules.ModelWeights;
using static Diffusion.ModelWeights.Tests.Domain.TestRules;

namespace Diffusion.ModelWeights.Tests.Domain;

public sealed class ControlTests
{
    private static readonly ModelWeightsEvaluator Evaluator = ModelWeightsEvaluator.Default;

    public static TheoryData<double, bool> ThresholdCases => new()
    {
        { 1e26, true },                       // "10^26 or more": exactly the threshold is controlled
        { Math.BitDecrement(1e26), false },   // the largest double below it is not
        { Math.BitIncrement(1e26), true },
        { 9.99e25, false },
        { 1e28, true },
        { 0, false },
    };

    [Theory]
    [MemberData(nameof(ThresholdCases))]
    public void Threshold_AtAndAround1e26(double operations, bool controlled)
    {
        var result = Evaluator.Evaluate(Model(operations), Export(), Aid2025(), AsOf);
        Assert.Equal(controlled, result.Controlled);
        Assert.Equal(controlled ? "4E091" : "", result.Eccn);
        Assert.Contains(result.Reasons, r => r.Code == (controlled ? "4E091.THRESHOLD.MET" : "4E091.THRESHOLD.BELOW"));
    }

    [Theory]
    [InlineData(1e26)]
    [InlineData(1e28)]
    public void PublishedWeights_NeverControlled(double operations)
    {
        var result = Evaluator.Evaluate(Model(operations, published: true), null, Aid2025(), AsOf);
        Assert.False(result.Controlled);
        Assert.False(result.LicenseRequired);
        Assert.Contains(result.Reasons, r => r.Code == "4E091.PUBLISHED");
        Assert.Contains(result.Reasons, r => r.Code == "4E091.THRESHOLD.MET"); // every test still reports
    }

    public static TheoryData<double, double, bool> DerivedCases => new()
    {
        // base below 1e26 (25% < 2.5e25): the 2.5e25 floor decides
        { 8e25, 2.5e25, false },                          // exactly the floor: not MORE than
        { 8e25, Math.BitIncrement(2.5e25), true },        // just above the floor (total 1.05e26)
        { 9e25, 2.4e25, false },                          // total 1.14e26 >= 1e26 but excluded
        // base 2e26: 25% = 5e25 > 2.5e25, so 25% decides
        { 2e26, 5e25, false },                            // exactly 25%: not more than
        { 2e26, Math.BitIncrement(5e25), true },          // just above 25%
        { 2e26, 3e25, false },                            // above the floor but not above 25%
        // base exactly 1e26: 25% = 2.5e25 = the floor
        { 1e26, 2.5e25, false },
        { 1e26, 2.6e25, true },
        // large base: 25% of 1e28 = 2.5e27
        { 1e28, 2.5e27, false },
        { 1e28, 2.5000000000000004e27, true },
    };

    [Theory]
    [MemberData(nameof(DerivedCases))]
    public void Derived_MoreThanHigherOf25e25And25PercentOfBase(double baseOps, double additional, bool controlled)
    {
        var derived = new PublishedBase(Ops(baseOps), Ops(additional));
        var model = Model(0, derived: derived);     // total taken from the parts
        var result = Evaluator.Evaluate(model, Export(), Aid2025(), AsOf);
        Assert.Equal(controlled, result.Controlled);
        Assert.Contains(result.Reasons, r => r.Code == (controlled ? "4E091.DERIVED.SUBSTANTIAL" : "4E091.DERIVED.EXCLUDED"));
    }

    [Fact]
    public void Derived_SubstantialButTotalBelowThreshold_NotControlled()
    {
        var derived = new PublishedBase(Ops(4e25), Ops(3e25));   // 3e25 > max(2.5e25, 1e25), total 7e25
        var result = Evaluator.Evaluate(Model(7e25, derived: derived), null, Aid2025(), AsOf);
        Assert.False(result.Controlled);
        Assert.Contains(result.Reasons, r => r.Code == "4E091.DERIVED.SUBSTANTIAL");
        Assert.Contains(result.Reasons, r => r.Code == "4E091.THRESHOLD.BELOW");
    }

    [Fact]
    public void Derived_PartsSumToThresholdWhereDeclaredDoubleFallsShort_CountsTheParts()
    {
        // 7.4e25 + 2.6e25 = 1e26 exactly in decimal; the declared total is the double just below 1e26.
        var derived = new PublishedBase(Ops(7.4e25), Ops(2.6e25));
        var result = Evaluator.Evaluate(Model(Math.BitDecrement(1e26), derived: derived), Export(), Aid2025(), AsOf);
        Assert.Equal(1e26m, result.CountedOperations!.Value.Value);
        Assert.True(result.Controlled);
    }

    public static TheoryData<double, bool> SyntheticShareCases => new()
    {
        { 0.10, false },                        // exactly 10%: not MORE than
        { Math.BitIncrement(0.10), true },      // just above
        { 0.11, true },
        { 0.05, false },
        { 1.0, true },
    };

    [Theory]
    [MemberData(nameof(SyntheticShareCases))]
    public void Synthetic_MoreThan10Percent_AddsGeneratorOperations(double share, bool counts)
    {
        // 9e25 of own training; the unpublished generator spent 1e24 generating and 5e25 training.
        var synthetic = new SyntheticDataSource(OperationsShare.FromDouble(share), Ops(1e24), Ops(5e25), false, TrainingOperations.Zero);
        var result = Evaluator.Evaluate(Model(9e25, synthetic: synthetic), Export(), Aid2025(), AsOf);
        Assert.Equal(counts, result.Controlled);
        Assert.Equal(counts ? 1.41e26m : 9e25m, result.CountedOperations!.Value.Value);
        Assert.Contains(result.Reasons, r => r.Code == (counts ? "4E091.SYNTHETIC_DATA.COUNTED" : "4E091.SYNTHETIC_DATA.NOT_COUNTED"));
    }

    [Fact]
    public void Synthetic_PublishedGenerator_AddsOnlyGenerationOperations()
    {
        var synthetic = new SyntheticDataSource(OperationsShare.FromDouble(0.5), Ops(9e24), Ops(5e26), true, TrainingOperations.Zero);
        var result = Evaluator.Evaluate(Model(9e25, synthetic: synthetic), null, Aid2025(), AsOf);
        Assert.Equal(9.9e25m, result.CountedOperations!.Value.Value);
        Assert.False(result.Controlled);
    }

    [Fact]
    public void Synthetic_PublishedGenerator_ReachesThresholdExactly()
    {
        var synthetic = new SyntheticDataSource(OperationsShare.FromDouble(0.5), Ops(1e25), Ops(5e26), true, TrainingOperations.Zero);
        var result = Evaluator.Evaluate(Model(9e25, synthetic: synthetic), Export(), Aid2025(), AsOf);
        Assert.Equal(1e26m, result.CountedOperations!.Value.Value);
        Assert.True(result.Controlled);
    }

    [Theory]
    [InlineData(0.0, 1.4e26)]      // nothing counted yet: 9e25 + 5e25
    [InlineData(5e25, 9e25)]       // the whole generator already counted: nothing added
    [InlineData(1e25, 1.3e26)]     // part already counted
    [InlineData(8e25, 9e25)]       // more than the generator's operations "already counted": never subtracts own training
    public void Synthetic_NoOperationCountsTwice(double alreadyCounted, double expected)
    {
        var synthetic = new SyntheticDataSource(OperationsShare.FromDouble(0.2), Ops(1e25), Ops(4e25), false, Ops(alreadyCounted));
        var result = Evaluator.Evaluate(Model(9e25, synthetic: synthetic), Export(), Aid2025(), AsOf);
        Assert.Equal((decimal)expected, result.CountedOperations!.Value.Value);
    }

    public static TheoryData<double, double, bool> PublishedCapabilityCases => new()
    {
        // threshold raised to 3e26 by an officer: below it not controlled even above 1e26
        { 3e26, 2.9e26, false },
        { 3e26, Math.BitDecrement(3e26), false },
        { 3e26, 3e26, true },                 // "fewer than" excludes; exactly the threshold does not
        { 3e26, 3.1e26, true },
        { 1e26, 1e26, true },
    };

    [Theory]
    [MemberData(nameof(PublishedCapabilityCases))]
    public void PublishedCapability_FewerOperationsThanMostCapablePublished_NotControlled(double threshold, double operations, bool controlled)
    {
        var result = Evaluator.Evaluate(Model(operations), Export(), Aid2025((decimal)threshold), AsOf);
        Assert.Equal(controlled, result.Controlled);
        Assert.Contains(result.Reasons, r => r.Code == (controlled ? "4E091.PUBLISHED_CAPABILITY.MET" : "4E091.PUBLISHED_CAPABILITY.BELOW"));
    }

    [Fact]
    public void PublishedCapability_UsesTheStepInForceOnTheDay()
    {
        var rules = Aid2025() with
        {
            PublishedCapabilityThreshold =
            [
                new PublishedCapabilityStep(new DateOnly(2025, 1, 13), Cite(Ops(1e26m))),
                new PublishedCapabilityStep(new DateOnly(2026, 3, 1), Cite(Ops(5e26m), Confidence.Government)),
            ],
        };
        Assert.True(Evaluator.Classify(Model(2e26), rules, new DateOnly(2026, 2, 28)).Controlled);
        Assert.False(Evaluator.Classify(Model(2e26), rules, new DateOnly(2026, 3, 1)).Controlled);
    }

    [Fact]
    public void Evaluate_CollectsEveryFinding()
    {
        var derived = new PublishedBase(Ops(8e25), Ops(1e25));
        var synthetic = new SyntheticDataSource(OperationsShare.FromDouble(0.2), Ops(1e24), Ops(1e24), false, TrainingOperations.Zero);
        var result = Evaluator.Evaluate(Model(9e25, published: true, derived: derived, synthetic: synthetic), null, Aid2025(), AsOf);
        Assert.False(result.Controlled);
        Assert.Equal(
            ["4E091.SYNTHETIC_DATA.COUNTED", "4E091.THRESHOLD.BELOW", "4E091.PUBLISHED", "4E091.DERIVED.EXCLUDED", "4E091.PUBLISHED_CAPABILITY.BELOW"],
            result.Reasons.Select(r => r.Code));
    }

    [Fact]
    public void NotInRuleSet_AnswersNotControlledWithReason()
    {
        var result = ModelWeightsEvaluator.NotInRuleSet("acr-2023");
        Assert.False(result.Controlled);
        var reason = Assert.Single(result.Reasons);
        Assert.Equal("4E091.ABSENT", reason.Code);
        Assert.Contains("acr-2023", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ControlledWithoutExport_Throws()
    {
        Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(Model(1e27), null, Aid2025(), AsOf));
    }
}
