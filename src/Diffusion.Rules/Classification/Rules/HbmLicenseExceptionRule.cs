namespace Diffusion.Rules.Classification.Rules;

/// <summary>License Exception HBM (15 CFR 740.25): 3A090.c memory below 3.3 GB/s per mm2 [S].</summary>
public sealed class HbmLicenseExceptionRule : IClassificationRule<MemoryClassificationContext>
{
    /// <inheritdoc />
    public string Id => "740.25";

    /// <inheritdoc />
    public void Evaluate(MemoryClassificationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Eccn.Length == 0)
        {
            return;
        }

        var hbm = context.Rules.Hbm;
        var density = context.Memory.BandwidthDensity;
        var text = $"bandwidth density {ClassificationContext.Format(density)} < {ClassificationContext.Format(hbm.LicenseExceptionDensityBelow.Value)} GB/s/mm2";
        if (density < hbm.LicenseExceptionDensityBelow.Value)
        {
            context.Eligible(hbm.LicenseExceptions.Value, hbm.LicenseExceptionDensityBelow.Reason("HBM.ELIGIBLE",
                $"{text}: eligible for License Exception {string.Join(", ", hbm.LicenseExceptions.Value)}"));
        }
        else
        {
            context.Add(hbm.LicenseExceptionDensityBelow.Reason("HBM.NOT_ELIGIBLE", $"{text}: no, License Exception HBM does not apply"));
        }
    }
}
