using Diffusion.Rules.Classification;

namespace Diffusion.Rules.Tests.Classification;

/// <summary>Chip specs built the way the service builds them: from doubles, converted to decimal.</summary>
internal static class Chips
{
    public static ClassificationRules Aid2025 => TestRules.Registry.Get("aid-2025").Get<ClassificationRules>();

    public static ClassificationRules Acr2023 => TestRules.Registry.Get("acr-2023").Get<ClassificationRules>();

    /// <summary>A one-unit, one-rate chip.</summary>
    public static ChipSpec Single(double denseTops, int bitLength, double? area, bool datacenter = true) =>
        new("test", [new ComputeRate(bitLength, (decimal)denseTops)], (decimal?)area, datacenter);

    public static ClassificationResult Classify(ChipSpec chip) => ClassificationEvaluator.Classify(chip, Aid2025);
}
