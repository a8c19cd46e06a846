namespace Diffusion.Rules.Classification.Rules;

/// <summary>ECCN 3A090.a.2 (15 CFR 774 Supp. 1): TPP &gt;= 1600 and PD &gt;= 5.92. Thresholds in classification.json, <c>a2</c>.</summary>
public sealed class Eccn3A090A2Rule : PerformanceBandRule
{
    /// <inheritdoc />
    public override string Id => "3A090.a.2";

    /// <inheritdoc />
    protected override PerformanceBand BandOf(ClassificationRules rules) => rules.A2;
}
