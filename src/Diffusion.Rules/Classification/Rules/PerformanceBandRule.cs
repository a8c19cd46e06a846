namespace Diffusion.Rules.Classification.Rules;

/// <summary>
/// The shared test of 3A090.a.1, .a.2, .b.1 and .b.2: is the chip's (TPP, performance density) inside the paragraph's
/// band [tpp_min, tpp_below) x [pd_min, pd_below)? Each subclass names its paragraph and picks its band from rule data.
/// </summary>
public abstract class PerformanceBandRule : IClassificationRule<ChipClassificationContext>
{
    /// <inheritdoc />
    public abstract string Id { get; }

    /// <summary>The paragraph's band in the rule data.</summary>
    protected abstract PerformanceBand BandOf(ClassificationRules rules);

    /// <inheritdoc />
    public void Evaluate(ChipClassificationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var band = BandOf(context.Rules);
        var tpp = context.Tpp.Tpp;
        var pd = context.PerformanceDensity;
        var conditions = new List<(string Text, bool? Met)>
        {
            ($"TPP {F(tpp)} >= {F(band.TppMin.Value)}", tpp >= band.TppMin.Value),
        };
        var confidence = band.TppMin.Confidence;
        if (band.TppBelow is { } tppBelow)
        {
            conditions.Add(($"TPP {F(tpp)} < {F(tppBelow.Value)}", tpp < tppBelow.Value));
            confidence = ConfidenceTags.Weakest(confidence, tppBelow.Confidence);
        }

        foreach (var (bound, isMin) in new[] { (band.PdMin, true), (band.PdBelow, false) })
        {
            if (bound is null)
            {
                continue;
            }

            confidence = ConfidenceTags.Weakest(confidence, bound.Confidence);
            var op = isMin ? ">=" : "<";
            conditions.Add(pd is { } d
                ? ($"PD {F(d)} {op} {F(bound.Value)}", isMin ? d >= bound.Value : d < bound.Value)
                : ($"PD (unknown: no applicable die area) {op} {F(bound.Value)}", null));
        }

        var text = string.Join(", ", conditions.Select(c => $"{c.Text}: {(c.Met switch { true => "yes", false => "no", null => "unknown" })}"));
        var code = Id.ToUpperInvariant();
        if (conditions.All(c => c.Met == true))
        {
            context.Match(Id, new Reason(code, $"{Id} met: {text}", band.TppMin.Citation, confidence));
        }
        else if (conditions.Any(c => c.Met == false))
        {
            context.Add(new Reason(code + ".NOT_MET", $"{Id} not met: {text}", band.TppMin.Citation, confidence));
        }
        else
        {
            context.Add(new Reason(code + ".UNDECIDED", $"{Id} cannot be decided without the applicable die area: {text}",
                band.TppMin.Citation, Confidence.Unverified));
        }
    }

    private static string F(decimal value) => ClassificationContext.Format(value);
}
