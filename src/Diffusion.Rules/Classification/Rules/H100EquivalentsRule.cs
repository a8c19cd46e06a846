namespace Diffusion.Rules.Classification.Rules;

/// <summary>Expresses TPP in H100-equivalents: TPP / the H100's TPP, read from the classification rule data with its citation.</summary>
public sealed class H100EquivalentsRule : IClassificationRule<ChipClassificationContext>
{
    /// <inheritdoc />
    public string Id => "H100_EQUIVALENTS";

    /// <inheritdoc />
    public void Evaluate(ChipClassificationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var h100 = context.Rules.H100Tpp;
        context.Add(h100.Reason("H100_EQUIVALENTS",
            $"{ClassificationContext.Format(decimal.Round(context.Tpp.Tpp / h100.Value, 4))} H100-equivalents = TPP {ClassificationContext.Format(context.Tpp.Tpp)} / {ClassificationContext.Format(h100.Value)}"));
    }
}
