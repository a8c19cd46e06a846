namespace Diffusion.Rules.Classification.Rules;

/// <summary>ECCN 3A090.b.1 (15 CFR 774 Supp. 1): 2400 &lt;= TPP &lt; 4800 and 1.6 &lt;= PD &lt; 5.92. Thresholds in classification.json, <c>b1</c>.</summary>
public sealed class Eccn3A090B1Rule : PerformanceBandRule
{
    /// <inheritdoc />
    public override string Id => "3A090.b.1";

    /// <inheritdoc />
    protected override PerformanceBand BandOf(ClassificationRules rules) => rules.B1;
}
