namespace Diffusion.Rules.Classification.Foundry;

/// <summary>The status of an IC's designer under the due-diligence rule (90 FR 5298).</summary>
public enum IcDesignerStatus
{
    /// <summary>Neither approved nor authorized, or not known.</summary>
    None,

    /// <summary>An approved IC designer (15 CFR 740 Supp. 6) that certified the IC.</summary>
    Approved,

    /// <summary>An authorized IC designer (not yet approved) that certified the IC.</summary>
    Authorized,
}

/// <summary>
/// What a front-end fabricator or OSAT knows of an IC it exports, reexports or transfers: the facts Note 1 to
/// ECCN 3A090.a reads. Given with a classification request, they make the classifier apply the presumption.
/// </summary>
/// <param name="AdvancedNode">Logic produced at the 16/14 nm node or below, or with a non-planar transistor architecture.</param>
/// <param name="TransistorCountBillions">The final packaged IC's aggregated approximated transistor count, in billions; null when unknown.</param>
/// <param name="ContainsHbm">The package contains high-bandwidth memory.</param>
/// <param name="Designer">The designer's status and certification.</param>
public sealed record FoundryFacts(bool AdvancedNode, decimal? TransistorCountBillions, bool ContainsHbm, IcDesignerStatus Designer);

/// <summary>The presumption's inputs: the facts, the rule data and the day of export.</summary>
/// <param name="Facts">What the fabricator or OSAT knows.</param>
/// <param name="Rules">The presumption's rule data.</param>
/// <param name="Day">The day of export (the order's day).</param>
public sealed record FoundryAssessment(FoundryFacts Facts, FoundryPresumptionData Rules, DateOnly Day);
