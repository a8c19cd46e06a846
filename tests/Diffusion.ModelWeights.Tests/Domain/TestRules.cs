using Diffusion.Rules;
using Diffusion.Rules.ModelWeights;
using Diffusion.Rules.Tiers;

namespace Diffusion.ModelWeights.Tests.Domain;

/// <summary>The aid-2025 values of rules/aid-2025/model-weights.json, built in code so the pure tests need no files.</summary>
internal static class TestRules
{
    public static readonly DateOnly AsOf = new(2025, 6, 1);

    public static ModelWeightsRules Aid2025(decimal publishedCapability = 1e26m) => new()
    {
        ControlThreshold = Cite(Ops(1e26m)),
        DerivedModelAdditionalFloor = Cite(Ops(2.5e25m)),
        DerivedModelBaseFraction = Cite(0.25m),
        SyntheticDataShareThreshold = Cite(new OperationsShare(0.10m)),
        SyntheticDataCounting = Cite("no operation counts twice"),
        PublishedCapabilityThreshold = [new PublishedCapabilityStep(new DateOnly(2025, 1, 13), Cite(Ops(publishedCapability)))],
        PublishedWeightsExclusion = Cite("published"),
        LicenceRequirement = Cite("all destinations"),
        Aia = new AiaRules
        {
            Code = Cite("AIA"),
            HeadquartersTiers = Cite<IReadOnlyList<Tier>>([Tier.Tier1]),
            ExcludedDestinationTiers = Cite<IReadOnlyList<Tier>>([Tier.Tier3]),
            StorageStandards = Cite("Supp. 10 paras 14, 15 and 18"),
        },
        ReviewPolicy = new ReviewPolicyRules
        {
            RestrictedDestinationTiers = Cite<IReadOnlyList<Tier>>([Tier.Tier3]),
            RestrictedHeadquartersTiers = Cite<IReadOnlyList<Tier>>([Tier.Tier3]),
            Restricted = Cite("presumption of denial"),
            Default = Cite("case-by-case"),
        },
        RedFlag28 = new RedFlag28Rules
        {
            Id = Cite("RED_FLAG_28"),
            ExemptHeadquartersTiers = Cite<IReadOnlyList<Tier>>([Tier.Tier1]),
            RequiredInquiries = Cite<IReadOnlyList<string>>(["Will you export the weights?", "Will you seek a licence?"]),
        },
    };

    public static TrainingOperations Ops(decimal value) => new(value);

    public static TrainingOperations Ops(double value) => TrainingOperations.FromDouble(value);

    public static CountryInTier Us => new("US", Tier.Tier1);

    public static CountryInTier De => new("DE", Tier.Tier1);

    public static CountryInTier Ae => new("AE", Tier.Tier2);

    public static CountryInTier Cn => new("CN", Tier.Tier3);

    public static CountryInTier Mo => new("MO", Tier.Tier3);

    public static ModelDescription Model(double operations, bool published = false, PublishedBase? derived = null, SyntheticDataSource? synthetic = null) =>
        new("m", Ops(operations), published, derived, synthetic);

    public static WeightsExport Export(CountryInTier? destination = null, CountryInTier? hq = null, CountryInTier? parent = null, bool storage = true) =>
        new(destination ?? De, hq ?? Us, parent, storage);

    public static Cited<T> Cite<T>(T value, Confidence confidence = Confidence.Regulatory) =>
        new() { Value = value, Citation = "test citation", Confidence = confidence };
}
