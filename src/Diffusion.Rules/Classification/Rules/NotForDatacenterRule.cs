namespace Diffusion.Rules.Classification.Rules;

/// <summary>
/// Chips not designed or marketed for datacenters (note to 15 CFR 774 Supp. 1, ECCN 3A090): outside 3A090.a/.b below
/// TPP 4800; at 4800 or more they are 3A090 but eligible for License Exceptions NAC/ACA.
/// </summary>
public sealed class NotForDatacenterRule : IClassificationRule<ChipClassificationContext>
{
    /// <inheritdoc />
    public string Id => "3A090.NOTE.NOT_FOR_DATACENTER";

    /// <inheritdoc />
    public void Evaluate(ChipClassificationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Chip.Datacenter)
        {
            return;
        }

        var rule = context.Rules.NotForDatacenter;
        var tpp = ClassificationContext.Format(context.Tpp.Tpp);
        var limit = ClassificationContext.Format(rule.TppBelow.Value);
        if (context.Tpp.Tpp < rule.TppBelow.Value)
        {
            context.Exclude(rule.TppBelow.Reason("NOT_FOR_DATACENTER.OUTSIDE",
                $"not designed or marketed for datacenters and TPP {tpp} < {limit}: outside 3A090.a/.b"));
        }
        else if (context.Paragraphs.Count > 0)
        {
            context.Eligible(rule.LicenseExceptions.Value, rule.LicenseExceptions.Reason("NOT_FOR_DATACENTER.EXCEPTIONS",
                $"not designed or marketed for datacenters with TPP {tpp} >= {limit}: eligible for {string.Join(", ", rule.LicenseExceptions.Value)}"));
        }
    }
}
