namespace Diffusion.Rules.Decisions;

/// <summary>The ultimate consignee, with the tiers of its headquarters and of its ultimate parent's headquarters.</summary>
/// <param name="Id">The consignee's id (names its LPP bucket).</param>
/// <param name="HeadquartersCountry">ISO 3166-1 alpha-2, or "" when not given.</param>
/// <param name="HeadquartersTier">1, 2 or 3; 0 when the country is not given.</param>
/// <param name="ParentHeadquartersCountry">ISO 3166-1 alpha-2, or "" when not given.</param>
/// <param name="ParentHeadquartersTier">1, 2 or 3; 0 when the country is not given.</param>
public sealed record ConsigneeProfile(
    string Id,
    string HeadquartersCountry,
    int HeadquartersTier,
    string ParentHeadquartersCountry,
    int ParentHeadquartersTier)
{
    /// <summary>The headquarters tier that governs: an entity headquartered, or whose ultimate parent is, in Tier 3 is Tier 3 anywhere.</summary>
    public int EffectiveHeadquartersTier => Math.Max(HeadquartersTier, ParentHeadquartersTier);

    /// <summary>Its name, ultimate parent's name, known owners and whether it is a government agency.</summary>
    public ConsigneeIdentity Identity { get; init; } = ConsigneeIdentity.None;

    /// <summary>The country that makes the consignee Tier 3 (its own headquarters first), or "".</summary>
    public string Tier3HeadquartersCountry => HeadquartersTier == 3 ? HeadquartersCountry
        : ParentHeadquartersTier == 3 ? ParentHeadquartersCountry : "";
}

/// <summary>Who the consignee is, beyond its id: what approved-consignee lists and the affiliates rule match on.</summary>
/// <param name="Name">Legal name, or "".</param>
/// <param name="ParentName">Ultimate parent's legal name, or "".</param>
/// <param name="Government">A government agency of the destination country.</param>
/// <param name="Owners">Owners the exporter knows of.</param>
public sealed record ConsigneeIdentity(string Name, string ParentName, bool Government, IReadOnlyList<ConsigneeOwner> Owners)
{
    /// <summary>Nothing known beyond the id.</summary>
    public static ConsigneeIdentity None { get; } = new("", "", false, []);
}

/// <summary>A known owner of the consignee (direct plus indirect share).</summary>
/// <param name="Name">The owner's name.</param>
/// <param name="SharePercent">0-100; null when not known.</param>
/// <param name="ListedOn">The restricted-party list it is on ("entity-list", "military-end-user", "sdn"), or "" for none.</param>
public sealed record ConsigneeOwner(string Name, decimal? SharePercent, string ListedOn);

/// <summary>The kind of a Validated End User.</summary>
public enum VeuKind
{
    /// <summary>Universal VEU: Tier 1-headquartered, datacenters anywhere but D:5/Macau.</summary>
    Universal = 1,

    /// <summary>National VEU: one authorisation per country.</summary>
    National = 2,
}

/// <summary>What EndUsers found about the consignee's VEU authorisation for this export.</summary>
/// <param name="Id">The VEU id.</param>
/// <param name="Kind">UVEU or NVEU; null when the VEU is unknown.</param>
/// <param name="Active">Status active and valid on the as-of date.</param>
/// <param name="AuthorizedForDestination">The destination is among its authorised countries.</param>
/// <param name="WithinLimits">The deployment keeps it within its limits (UVEU shares, NVEU installed base).</param>
/// <param name="Reasons">EndUsers' own findings, passed through.</param>
public sealed record VeuFinding(
    string Id,
    VeuKind? Kind,
    bool Active,
    bool AuthorizedForDestination,
    bool WithinLimits,
    IReadOnlyList<Reason> Reasons);

/// <summary>Buckets found too small for the draw planned in an earlier round (a refused reservation or a balance check).</summary>
public sealed record AllocationState(
    bool LppExhausted = false,
    bool CountryAllocationExhausted = false,
    bool NveuExhausted = false,
    bool ChinaShareExhausted = false,
    bool ChinaShareUnrecorded = false)
{
    /// <summary>
    /// Granted licences whose bucket cannot cover the order (what remains is too little, or its quantity was never set
    /// at Quota), by number.
    /// </summary>
    public System.Collections.Immutable.ImmutableSortedSet<string> ExhaustedLicences { get; init; } = [];

    /// <summary>Some bucket is known to be too small.</summary>
    public bool AnyExhausted => LppExhausted || CountryAllocationExhausted || NveuExhausted || ChinaShareExhausted || !ExhaustedLicences.IsEmpty;

    /// <summary>Nothing known to be exhausted.</summary>
    public static AllocationState Unknown { get; } = new();
}

/// <summary>Everything a decision is made from. Built by the Decisions service from the other services' answers.</summary>
/// <param name="RuleSetId">The rule set the decision is evaluated under.</param>
/// <param name="AsOf">The calendar day the export is evaluated at.</param>
/// <param name="DestinationCountry">ISO 3166-1 alpha-2.</param>
/// <param name="DestinationTier">1, 2 or 3 under the rule set's tiers.</param>
/// <param name="OriginCountry">The country exported from (the 2026 China/Macau band covers exports from the US only).</param>
/// <param name="Consignee">The ultimate consignee.</param>
/// <param name="Veu">The consignee's VEU finding, when it names one.</param>
/// <param name="Items">The classified order lines.</param>
/// <param name="Allocations">Buckets known to be exhausted.</param>
/// <param name="Rules">The rule set's decision parameters.</param>
/// <param name="Framework">Whether the AI Diffusion framework applies under the rule set (its manifest), with its source.</param>
/// <param name="LicenceGroupMembership">Without the framework: the D:1/D:4 entry that makes the destination need a licence; null when it does not.</param>
/// <param name="TierReasons">How the destination's tier was found (reported first).</param>
public sealed record DecisionContext(
    string RuleSetId,
    DateOnly AsOf,
    string DestinationCountry,
    int DestinationTier,
    string OriginCountry,
    ConsigneeProfile Consignee,
    VeuFinding? Veu,
    IReadOnlyList<ClassifiedItem> Items,
    AllocationState Allocations,
    DecisionRules Rules,
    Cited<bool> Framework,
    Cited<string>? LicenceGroupMembership,
    IReadOnlyList<Reason> TierReasons)
{
    /// <summary>The destination is Tier 3 (D:5 or Macau).</summary>
    public bool DestinationIsTier3 => DestinationTier == 3;

    /// <summary>Consignees needing no licence because of who they are (the UAE's approved entities).</summary>
    public ApprovedConsigneeList ApprovedConsignees { get; init; } = ApprovedConsigneeList.Empty;

    /// <summary>The affiliates (50 %) rule, when the rules directory has it.</summary>
    public AffiliatesRuleData? Affiliates { get; init; }

    /// <summary>
    /// The granted licences that bear on the order: the consignee's and the exporter's for the destination (EndUsers'
    /// FindLicences), matching or not, so the decision can say why one does not cover it.
    /// </summary>
    public IReadOnlyList<GrantedLicence> Licences { get; init; } = [];

    /// <summary>The exporter as the order names it, or "" (its China/Macau share is counted per exporter).</summary>
    public string Exporter { get; init; } = "";

    /// <summary>The consignee is headquartered, or its ultimate parent is, in Tier 3.</summary>
    public bool ConsigneeIsTier3Headquartered => Consignee.EffectiveHeadquartersTier == 3;

    /// <summary>The tier that governs the export: the stricter of the destination's and the consignee's headquarters'.</summary>
    public int EffectiveTier => Math.Max(DestinationTier, Consignee.EffectiveHeadquartersTier);
}
