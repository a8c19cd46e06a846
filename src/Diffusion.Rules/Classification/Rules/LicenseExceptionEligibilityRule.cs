namespace Diffusion.Rules.Classification.Rules;

/// <summary>
/// The licence exceptions a 3A090.a or 3A090.b item is eligible for under the rule set (15 CFR 740.8 NAC/ACA; under
/// the AI Diffusion sets also 740.27 AIA and 740.29 LPP). Whether one fits an order is decided per destination.
/// </summary>
public sealed class LicenseExceptionEligibilityRule : IClassificationRule<ChipClassificationContext>
{
    /// <inheritdoc />
    public string Id => "740.ELIGIBILITY";

    /// <inheritdoc />
    public void Evaluate(ChipClassificationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var eccn = context.Eccn;
        if (eccn.Length > 0 && context.Rules.LicenseExceptions.TryGetValue(eccn, out var exceptions) && exceptions.Value.Count > 0)
        {
            context.Eligible(exceptions.Value, exceptions.Reason("LICENSE_EXCEPTIONS",
                $"{eccn} is eligible for License Exceptions {string.Join(", ", exceptions.Value)}"));
        }
    }
}
