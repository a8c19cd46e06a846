namespace Diffusion.EndUsers.Screening.Matching;

/// <summary>
/// One entry of a restricted-party list in the US Consolidated Screening List (CSL) format, as the International Trade
/// Administration publishes it (JSON <c>results[]</c> or CSV rows): the fields screening and its reasons need.
/// </summary>
/// <param name="Id">The CSL record id (<c>id</c>, <c>_id</c> in the CSV).</param>
/// <param name="Source">The list, e.g. "Entity List (EL) - Bureau of Industry and Security".</param>
/// <param name="Name">The primary name.</param>
/// <param name="AltNames">Aliases (<c>alt_names</c>).</param>
/// <param name="Addresses">Each address as one line (street, city, state, postal code, country).</param>
/// <param name="Countries">ISO 3166-1 alpha-2 countries of the addresses, where given.</param>
/// <param name="FederalRegisterNotice">The Federal Register citation of the listing (<c>federal_register_notice</c>).</param>
/// <param name="StartDate">The listing's effective date (<c>start_date</c>), as published.</param>
/// <param name="LicenseRequirement">Entity List: the licence requirement (<c>license_requirement</c>).</param>
/// <param name="LicensePolicy">Entity List: the licence review policy (<c>license_policy</c>).</param>
/// <param name="Remarks">Free text (<c>remarks</c>).</param>
public sealed record RestrictedParty(
    string Id,
    string Source,
    string Name,
    IReadOnlyList<string> AltNames,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<string> Countries,
    string FederalRegisterNotice,
    string StartDate,
    string LicenseRequirement,
    string LicensePolicy,
    string Remarks)
{
    /// <summary>Whether the entry is on the BIS Entity List (15 CFR 744.11, Supp. 4 to part 744).</summary>
    public bool OnEntityList => Source.Contains("Entity List", StringComparison.OrdinalIgnoreCase) || Source.Contains("(EL)", StringComparison.Ordinal);
}

/// <summary>One published list: its entries and the day it was published (kept with every screening).</summary>
/// <param name="PublishedAt">When the list was published (the source's last update, else the download's time).</param>
/// <param name="Entries">Its entries.</param>
public sealed record RestrictedPartyList(DateTimeOffset PublishedAt, IReadOnlyList<RestrictedParty> Entries);
