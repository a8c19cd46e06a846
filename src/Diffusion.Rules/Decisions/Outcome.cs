namespace Diffusion.Rules.Decisions;

/// <summary>What an export needs, ordered from least to most restrictive (the order's outcome is its items' maximum).</summary>
public enum Outcome
{
    /// <summary>No licence is required for this item under the rule set.</summary>
    NoLicenseRequired = 1,

    /// <summary>A licence would be required, but a licence exception (or a VEU authorisation) covers the export.</summary>
    LicenseException = 2,

    /// <summary>
    /// A licence is required and a granted licence covers the export: valid on the day, for this exporter, consignee,
    /// destination and item, with enough of its quantity left (15 CFR 750.7).
    /// </summary>
    UnderLicense = 3,

    /// <summary>A licence is required; the review policy says how an application is reviewed.</summary>
    LicenseRequired = 4,

    /// <summary>
    /// Not decided until questions are resolved (a listed owner of unknown share, Red Flag 29): neither approved nor
    /// denied. An exception or approved-consignee basis does not lift it.
    /// </summary>
    HeldForReview = 5,

    /// <summary>A licence is required and applications are reviewed under a presumption of denial.</summary>
    PresumptionOfDenial = 6,
}

/// <summary>Which allocation an authorised export draws down.</summary>
public enum DrawMechanism
{
    /// <summary>Draws nothing.</summary>
    None = 0,

    /// <summary>The consignee's calendar-year License Exception LPP bucket (15 CFR 740.29).</summary>
    LowProcessingPerformance = 1,

    /// <summary>The destination's Tier 2 country allocation, licensed exports to non-VEU end users.</summary>
    CountryAllocation = 2,

    /// <summary>The National VEU's per-country bucket.</summary>
    NationalVeu = 3,

    /// <summary>The exporter's China/Macau share of its US shipments of the product (91 FR 1684).</summary>
    ChinaShare = 4,

    /// <summary>A granted licence's bucket <c>licence/&lt;number&gt;</c>: TPP or units, as the licence counts.</summary>
    Licence = 5,
}
