namespace Diffusion.Rules.Classification.Rules;

/// <summary>
/// ECCN 3A090.c (89 FR 96790): high-bandwidth memory with a memory bandwidth density above 2 GB/s per mm2. (Not for
/// co-packaged logic and HBM whose dominant function is processing: describe such a part as a chip.)
/// </summary>
public sealed class HbmBandwidthDensityRule : IClassificationRule<MemoryClassificationContext>
{
    /// <inheritdoc />
    public string Id => "3A090.c";

    /// <inheritdoc />
    public void Evaluate(MemoryClassificationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var memory = context.Memory;
        var limit = context.Rules.Hbm.BandwidthDensityAbove;
        var density = memory.BandwidthDensity;
        var text = $"bandwidth density {ClassificationContext.Format(density)} GB/s/mm2 = {ClassificationContext.Format(memory.BandwidthGbPerS)} GB/s / " +
            $"{ClassificationContext.Format(memory.PackageAreaMm2)} mm2 > {ClassificationContext.Format(limit.Value)}";
        if (density > limit.Value)
        {
            context.Match(Id, limit.Reason("3A090.C", $"3A090.c met: {text}: yes"));
        }
        else
        {
            context.Add(limit.Reason("3A090.C.NOT_MET", $"3A090.c not met: {text}: no"));
        }
    }
}
