using Diffusion.Rules.Classification.Foundry;
using Diffusion.Rules.Classification.Rules;

namespace Diffusion.Rules.Classification;

/// <summary>
/// Classifies chips and memory under ECCN 3A090: runs every rule (no short-circuit), so the answer carries every
/// finding, then derives ECCN, paragraph and licence exceptions from what the rules recorded. Pure.
/// </summary>
public static class ClassificationEvaluator
{
    /// <summary>The chip rules, in the order they run (paragraph tests before the rules that read their outcome).</summary>
    public static IReadOnlyList<IClassificationRule<ChipClassificationContext>> ChipRules { get; } =
    [
        new MeasurementRule(),
        new Eccn3A090A1Rule(),
        new Eccn3A090A2Rule(),
        new Eccn3A090B1Rule(),
        new Eccn3A090B2Rule(),
        new NotForDatacenterRule(),
        new FoundryPresumptionRule(),
        new LicenseExceptionEligibilityRule(),
        new H100EquivalentsRule(),
    ];

    /// <summary>The memory rules, in the order they run.</summary>
    public static IReadOnlyList<IClassificationRule<MemoryClassificationContext>> MemoryRules { get; } =
    [
        new HbmBandwidthDensityRule(),
        new HbmLicenseExceptionRule(),
    ];

    /// <summary>
    /// Classifies a chip under the given rule data; with <paramref name="foundry"/>, as the front-end fabricator or OSAT
    /// exporting it (Note 1 to 3A090.a may then presume it 3A090.a).
    /// </summary>
    public static ClassificationResult Classify(ChipSpec chip, ClassificationRules rules, FoundryAssessment? foundry = null)
    {
        ArgumentNullException.ThrowIfNull(chip);
        ArgumentNullException.ThrowIfNull(rules);
        var context = Run(ChipRules, new ChipClassificationContext(chip, rules, foundry));
        return new ClassificationResult
        {
            Eccn = context.Eccn,
            Paragraph = context.Paragraph,
            ItemName = chip.Name,
            Tpp = context.Tpp.Tpp,
            TppDetail = context.Tpp,
            PerformanceDensity = context.PerformanceDensity,
            H100Equivalents = context.Tpp.Tpp / rules.H100Tpp.Value,
            Datacenter = chip.Datacenter,
            LicenseExceptions = context.Eccn.Length == 0 ? [] : context.LicenseExceptions,
            Reasons = context.Reasons,
        };
    }

    /// <summary>Classifies a memory part under the given rule data.</summary>
    public static ClassificationResult Classify(MemorySpec memory, ClassificationRules rules)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(rules);
        var context = Run(MemoryRules, new MemoryClassificationContext(memory, rules));
        return new ClassificationResult
        {
            Eccn = context.Eccn,
            Paragraph = context.Paragraph,
            ItemName = memory.Name,
            MemoryBandwidthDensity = memory.BandwidthDensity,
            LicenseExceptions = context.LicenseExceptions,
            Reasons = context.Reasons,
        };
    }

    // Every rule runs: a finding never hides the ones after it.
    private static TContext Run<TContext>(IReadOnlyList<IClassificationRule<TContext>> rules, TContext context)
        where TContext : ClassificationContext
    {
        foreach (var rule in rules)
        {
            rule.Evaluate(context);
        }

        return context;
    }
}
