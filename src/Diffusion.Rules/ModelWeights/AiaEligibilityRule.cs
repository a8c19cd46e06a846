using Diffusion.Rules.Tiers;

namespace Diffusion.Rules.ModelWeights;

/// <summary>
/// License Exception AIA (15 CFR 740.27) for 4E091 weights: the recipient and its ultimate parent are headquartered
/// in Tier 1, the weights go to a destination outside D:5 and Macau (Tier 3), and they are stored in a facility
/// meeting Supp. 10 paras 14, 15 and 18. Every failing condition is reported, not only the first.
/// </summary>
public sealed class AiaEligibilityRule : IWeightsExportRule
{
    public string Id => "740.27.AIA";

    public IEnumerable<ModelWeightsFinding> Evaluate(WeightsExportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var aia = context.Rules.Aia;
        var code = aia.Code.Value;
        var export = context.Export;
        var failures = new List<ModelWeightsFinding>();

        if (!aia.HeadquartersTiers.Value.Contains(export.RecipientHeadquarters.Tier))
        {
            failures.Add(Unavailable(code, "AIA.HEADQUARTERS", $"the recipient is headquartered in {export.RecipientHeadquarters}, not {Tiers(aia.HeadquartersTiers.Value)}", aia.HeadquartersTiers));
        }

        if (export.ParentHeadquarters is { } parent && !aia.HeadquartersTiers.Value.Contains(parent.Tier))
        {
            failures.Add(Unavailable(code, "AIA.PARENT_HEADQUARTERS", $"the recipient's ultimate parent is headquartered in {parent}, not {Tiers(aia.HeadquartersTiers.Value)}", aia.HeadquartersTiers));
        }

        if (aia.ExcludedDestinationTiers.Value.Contains(export.Destination.Tier))
        {
            failures.Add(Unavailable(code, "AIA.DESTINATION", $"the destination {export.Destination} is excluded from {code}", aia.ExcludedDestinationTiers));
        }

        if (!export.StorageMeetsSecurityStandards)
        {
            failures.Add(Unavailable(code, "AIA.STORAGE", $"the storage facility does not meet {aia.StorageStandards.Value}", aia.StorageStandards));
        }

        if (failures.Count > 0)
        {
            return failures;
        }

        return
        [
            new ModelWeightsFinding(
                FindingEffect.LicenceExceptionAvailable,
                new Reason(
                    "AIA.AVAILABLE",
                    $"License Exception {code}: recipient headquartered in {export.RecipientHeadquarters}" +
                    (export.ParentHeadquarters is { } p ? $", ultimate parent in {p}" : "") +
                    $", destination {export.Destination}, storage meets {aia.StorageStandards.Value}",
                    aia.Code.Citation,
                    aia.Code.Confidence),
                code),
        ];
    }

    private static ModelWeightsFinding Unavailable<T>(string code, string reasonCode, string message, Cited<T> source) =>
        new(FindingEffect.LicenceExceptionUnavailable, new Reason(reasonCode, $"License Exception {code} not available: {message}", source.Citation, source.Confidence), code);

    private static string Tiers(IReadOnlyList<Tier> tiers) => string.Join(" or ", tiers.Select(t => $"Tier {(int)t}"));
}
