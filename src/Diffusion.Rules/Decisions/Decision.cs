namespace Diffusion.Rules.Decisions;

/// <summary>What one order line needs.</summary>
/// <param name="Item">The classified line.</param>
/// <param name="Outcome">The line's outcome.</param>
/// <param name="LicenseException">The exception or VEU authorisation used, or "".</param>
/// <param name="ReviewPolicy">The review policy where a licence is required, or "".</param>
/// <param name="Draw">The allocation the line draws.</param>
/// <param name="NoLicenseBasis">Where no licence is required because of who the consignee is: that basis, else "".</param>
/// <param name="Licence">Under a granted licence: that licence, else null.</param>
public sealed record ItemDecision(ClassifiedItem Item, Outcome Outcome, string LicenseException, string ReviewPolicy, DrawMechanism Draw, string NoLicenseBasis = "", GrantedLicence? Licence = null);

/// <summary>An amount the order draws from one bucket, in whole TPP.</summary>
public sealed record PlannedDraw(string BucketId, long Tpp, DrawMechanism Mechanism);

/// <summary>The decision on one order: the strictest line decides the outcome; every finding is a reason.</summary>
/// <param name="Outcome">The order's outcome.</param>
/// <param name="LicenseException">When the outcome is a licence exception: the exceptions used, comma-separated.</param>
/// <param name="ReviewPolicy">When a licence is required: the review policies of the lines that decide, "; "-separated.</param>
/// <param name="Items">Per line.</param>
/// <param name="Draws">What the order draws, one entry per bucket; none under a presumption of denial.</param>
/// <param name="TotalTpp">TPP of all chips in the order (chips and assemblies).</param>
/// <param name="H100Equivalents">TotalTpp in H100s.</param>
/// <param name="Reasons">Every finding of every rule.</param>
/// <param name="Questions">When held for review: what must be resolved.</param>
/// <param name="NoLicenseBasis">When no licence is required because of who the consignee is: the bases, "; "-separated.</param>
public sealed record Decision(
    Outcome Outcome,
    string LicenseException,
    string ReviewPolicy,
    IReadOnlyList<ItemDecision> Items,
    IReadOnlyList<PlannedDraw> Draws,
    double TotalTpp,
    double H100Equivalents,
    IReadOnlyList<Reason> Reasons,
    IReadOnlyList<Reason> Questions,
    string NoLicenseBasis = "");
