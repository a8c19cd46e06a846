namespace Diffusion.Rules.Classification.Rules;

/// <summary>ECCN 3A090.a.1 (15 CFR 774 Supp. 1): TPP &gt;= 4800. Thresholds in classification.json, <c>a1</c>.</summary>
public sealed class Eccn3A090A1Rule : PerformanceBandRule
{
    /// <inheritdoc />
    public override string Id => "3A090.a.1";

    /// <inheritdoc />
    protected override PerformanceBand BandOf(ClassificationRules rules) => rules.A1;
}
