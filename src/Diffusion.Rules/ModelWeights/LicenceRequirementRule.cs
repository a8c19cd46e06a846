namespace Diffusion.Rules.ModelWeights;

/// <summary>4E091 licence requirement: a licence is required to export controlled weights to every destination.</summary>
public sealed class LicenceRequirementRule : IWeightsExportRule
{
    public string Id => "4E091.LICENCE";

    public IEnumerable<ModelWeightsFinding> Evaluate(WeightsExportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var requirement = context.Rules.LicenceRequirement;
        yield return new ModelWeightsFinding(
            FindingEffect.LicenceRequired,
            new Reason(
                "4E091.LICENCE_REQUIRED",
                $"4E091 weights need a licence to {requirement.Value}, including {context.Export.Destination}",
                requirement.Citation,
                requirement.Confidence));
    }
}
