using Diffusion.Rules.ModelWeights;
using FsCheck;
using FsCheck.Fluent;
using static Diffusion.ModelWeights.Tests.Domain.TestRules;

namespace Diffusion.ModelWeights.Tests.Domain;

/// <summary>The double → operations reading never disagrees with the doubles themselves at the thresholds.</summary>
public sealed class OperationsPropertyTests
{
    private static readonly long MaxBits = BitConverter.DoubleToInt64Bits(1.9e28);
    private static readonly long ThresholdBits = BitConverter.DoubleToInt64Bits(1e26);

    // Any valid double (uniform over bit patterns, so every magnitude), and doubles within 64 and a million ulps of 10^26.
    private static readonly Gen<double> AnyOperations =
        DoubleBetween(0, MaxBits);

    private static readonly Gen<double> NearThreshold = Gen.OneOf(
        DoubleBetween(ThresholdBits - 64, ThresholdBits + 64),
        DoubleBetween(ThresholdBits - 1_000_000, ThresholdBits + 1_000_000));

    private static readonly Gen<double> Operations = Gen.OneOf(AnyOperations, NearThreshold);

    // Non-negative doubles are ordered like their bit patterns; draw a pattern in [min, max] from two 31-bit halves.
    private static Gen<double> DoubleBetween(long min, long max) =>
        from high in Gen.Choose(0, int.MaxValue)
        from low in Gen.Choose(0, int.MaxValue)
        select BitConverter.Int64BitsToDouble(min + ((((long)high << 31) | (uint)low) % (max - min + 1)));

    [Fact]
    public void Reading_PreservesOrder()
    {
        Prop.ForAll(Operations.Two().ToArbitrary(), pair =>
        {
            var (x, y) = pair;
            var (a, b) = (TrainingOperations.FromDouble(x), TrainingOperations.FromDouble(y));
            return x <= y ? a <= b : a >= b;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Threshold_AgreesWithTheDoubleComparison()
    {
        Prop.ForAll(Operations.ToArbitrary(), x =>
            (TrainingOperations.FromDouble(x).Value >= 1e26m) == (x >= 1e26)
            && ModelWeightsEvaluator.Default.Classify(Model(x), Aid2025(), AsOf).Controlled == (x >= 1e26))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void DerivedTest_AgreesWithExactArithmetic()
    {
        // "more than the higher of 2.5e25 and 25% of base" is exactly: 4 x additional > base and additional > 2.5e25.
        var pair = Gen.OneOf(AnyOperations, DoubleBetween(BitConverter.DoubleToInt64Bits(2e25), BitConverter.DoubleToInt64Bits(5e26))).Two();
        Prop.ForAll(pair.ToArbitrary(), p =>
        {
            var (baseOps, additional) = (TrainingOperations.FromDouble(p.Item1), TrainingOperations.FromDouble(p.Item2));
            var control = ModelWeightsEvaluator.Default.Classify(Model(0, derived: new PublishedBase(baseOps, additional)), Aid2025(), AsOf);
            var substantial = 4 * additional.Value > baseOps.Value && additional.Value > 2.5e25m;
            return control.Findings.Any(f => f.Reason.Code == "4E091.DERIVED.SUBSTANTIAL") == substantial;
        }).QuickCheckThrowOnFailure();
    }
}
