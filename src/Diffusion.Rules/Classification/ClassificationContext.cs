using System.Globalization;
using Diffusion.Rules.Classification.Foundry;

namespace Diffusion.Rules.Classification;

/// <summary>
/// What classification rules read (the item, the rule data, the computed figures) and write (findings, matched
/// paragraphs, exclusions, licence exceptions). Rules only add; the evaluator derives the answer at the end.
/// </summary>
public abstract class ClassificationContext
{
    private readonly List<Reason> _reasons = [];
    private readonly List<string> _paragraphs = [];
    private readonly List<string> _exceptions = [];

    private protected ClassificationContext(ClassificationRules rules) => Rules = rules;

    /// <summary>The rule data of the rule set in use.</summary>
    public ClassificationRules Rules { get; }

    /// <summary>Findings so far.</summary>
    public IReadOnlyList<Reason> Reasons => _reasons;

    /// <summary>Paragraphs matched so far, in the order rules ran (e.g. "3A090.a.1").</summary>
    public IReadOnlyList<string> Paragraphs => _paragraphs;

    /// <summary>Whether a rule took the item out of 3A090 although a paragraph matched.</summary>
    public bool Excluded { get; private set; }

    /// <summary>
    /// The ECCN the findings so far amount to: "" when excluded or nothing matched, else the strictest paragraph's
    /// ECCN ("3A090.a" before "3A090.b" before "3A090.c"). A presumption (<see cref="Presume"/>) decides whatever the figures say.
    /// </summary>
    public string Eccn => PresumedParagraph is { } presumed
        ? EccnOf(presumed)
        : Excluded ? "" : Paragraphs.Select(EccnOf).Order(StringComparer.Ordinal).FirstOrDefault() ?? "";

    /// <summary>
    /// The paragraph behind <see cref="Eccn"/>: the figures' own when they meet it, else the presumption's; "" when
    /// outside 3A090.
    /// </summary>
    public string Paragraph => Eccn.Length == 0
        ? ""
        : (Excluded ? null : Paragraphs.FirstOrDefault(p => EccnOf(p) == Eccn)) ?? PresumedParagraph ?? "";

    /// <summary>The paragraph a presumption put the item under (Note 1 to 3A090.a); null when none did.</summary>
    public string? PresumedParagraph { get; private set; }

    /// <summary>Licence exceptions found so far, without duplicates.</summary>
    public IReadOnlyList<string> LicenseExceptions => _exceptions;

    /// <summary>Records a finding.</summary>
    public void Add(Reason reason) => _reasons.Add(reason);

    /// <summary>Records that the item meets a paragraph (e.g. "3A090.a.2"), with the finding.</summary>
    public void Match(string paragraph, Reason reason)
    {
        _paragraphs.Add(paragraph);
        Add(reason);
    }

    /// <summary>Takes the item out of 3A090 whatever matched (e.g. not for datacenters below TPP 4800).</summary>
    public void Exclude(Reason reason)
    {
        Excluded = true;
        Add(reason);
    }

    /// <summary>Puts the item under <paramref name="paragraph"/> whatever its figures say (a presumption of the rule), with the finding.</summary>
    public void Presume(string paragraph, Reason reason)
    {
        PresumedParagraph = paragraph;
        Add(reason);
    }

    /// <summary>Records licence exceptions the item is eligible for.</summary>
    public void Eligible(IEnumerable<string> exceptions, Reason reason)
    {
        _exceptions.AddRange(exceptions.Where(e => !_exceptions.Contains(e)));
        Add(reason);
    }

    /// <summary>A number as findings print it: invariant, thousands separated, up to six decimals.</summary>
    public static string Format(decimal value) => value.ToString("#,##0.######", CultureInfo.InvariantCulture);

    /// <summary>"3A090.a" from "3A090.a.2".</summary>
    public static string EccnOf(string paragraph) =>
        paragraph.Count(c => c == '.') > 1 ? paragraph[..paragraph.LastIndexOf('.')] : paragraph;
}

/// <summary>The context of classifying a chip: its TPP and performance density computed once.</summary>
public sealed class ChipClassificationContext : ClassificationContext
{
    internal ChipClassificationContext(ChipSpec chip, ClassificationRules rules, FoundryAssessment? foundry = null) : base(rules)
    {
        Chip = chip;
        Foundry = foundry;
        Tpp = TotalProcessingPerformance.Of(chip.Rates);
        PerformanceDensity = chip.ApplicableDieAreaMm2 is { } area ? Tpp.Tpp / area : null;
    }

    /// <summary>The chip.</summary>
    public ChipSpec Chip { get; }

    /// <summary>Its TPP.</summary>
    public TotalProcessingPerformance Tpp { get; }

    /// <summary>TPP per mm2 of applicable die area; null when the area is unknown.</summary>
    public decimal? PerformanceDensity { get; }

    /// <summary>A front-end fabricator's or OSAT's facts of the IC, when it is the one classifying; null otherwise.</summary>
    public FoundryAssessment? Foundry { get; }
}

/// <summary>The context of classifying a memory part.</summary>
public sealed class MemoryClassificationContext : ClassificationContext
{
    internal MemoryClassificationContext(MemorySpec memory, ClassificationRules rules) : base(rules) => Memory = memory;

    /// <summary>The memory part.</summary>
    public MemorySpec Memory { get; }
}

/// <summary>One classification rule: a small test that cites its paragraph and records what it finds.</summary>
/// <typeparam name="TContext">The kind of item it applies to.</typeparam>
public interface IClassificationRule<in TContext> where TContext : ClassificationContext
{
    /// <summary>The paragraph the rule implements, e.g. "3A090.a.1".</summary>
    string Id { get; }

    /// <summary>Tests the item and records findings; never stops the other rules.</summary>
    void Evaluate(TContext context);
}
