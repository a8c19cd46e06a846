namespace Diffusion.Rules.Classification.Rules;

/// <summary>ECCN 3A090.b.2 (15 CFR 774 Supp. 1): TPP &gt;= 1600 and 3.2 &lt;= PD &lt; 5.92. Thresholds in classification.json, <c>b2</c>.</summary>
public sealed class Eccn3A090B2Rule : PerformanceBandRule
{
    /// <inheritdoc />
    public override string Id => "3A090.b.2";

    /// <inheritdoc />
    protected override PerformanceBand BandOf(ClassificationRules rules) => rules.B2;
}
