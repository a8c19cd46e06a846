namespace Diffusion.Rules.Decisions;

/// <summary>How a granted licence counts its quantity (the numbers are stored in EndUsers' endusers.licences).</summary>
public enum LicenceUnit
{
    /// <summary>Whole TPP (total processing performance): a line draws its TPP.</summary>
    Tpp = 1,

    /// <summary>Units of the items the licence names: a line draws its quantity.</summary>
    Units = 2,
}

/// <summary>
/// A licence BIS granted, as an officer recorded it (EndUsers' licence registry). Its scope is the parties,
/// destination and items it names, for the dates it is valid (15 CFR 750.7(a), (g)); its quantity is the cap of the
/// Quota bucket <c>licence/&lt;number&gt;</c>, which shipments under it draw.
/// </summary>
/// <param name="Number">The licence number.</param>
/// <param name="Exporter">The licence holder, as orders name the exporter.</param>
/// <param name="ConsigneeId">The ultimate consignee, by the id orders give it.</param>
/// <param name="DestinationCountry">ISO 3166-1 alpha-2.</param>
/// <param name="Eccns">ECCNs covered; a line is covered by an ECCN it equals or falls under ("3A090" covers "3A090.a"). Empty: any.</param>
/// <param name="Items">Items covered by name (case-insensitive). Empty: every item of its ECCNs.</param>
/// <param name="Unit">TPP or units.</param>
/// <param name="ValidFrom">First day it is valid (inclusive, UTC).</param>
/// <param name="ValidUntil">The day it expires: valid before this day, not on it (exclusive, UTC).</param>
public sealed record GrantedLicence(
    string Number,
    string Exporter,
    string ConsigneeId,
    string DestinationCountry,
    IReadOnlyList<string> Eccns,
    IReadOnlyList<string> Items,
    LicenceUnit Unit,
    DateOnly ValidFrom,
    DateOnly ValidUntil)
{
    /// <summary>The Quota bucket holding what remains of it.</summary>
    public string BucketId => Quotas.BucketId.ForLicence(Number);

    /// <summary>Whether it covers <paramref name="item"/> by ECCN and by name.</summary>
    public bool Covers(ClassifiedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var byEccn = Eccns.Count == 0 || Eccns.Any(e =>
            item.Eccn.Equals(e, StringComparison.OrdinalIgnoreCase)
            || item.Eccn.StartsWith(e + ".", StringComparison.OrdinalIgnoreCase));
        var byName = Items.Count == 0 || Items.Any(i => item.Description.Equals(i, StringComparison.OrdinalIgnoreCase));
        return item.Eccn.Length > 0 && byEccn && byName;
    }

    /// <summary>What a line under it draws from its bucket: its whole TPP, or its quantity of units.</summary>
    public long Draw(ClassifiedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return Unit == LicenceUnit.Units ? item.Quantity : item.WholeTpp;
    }

    /// <summary>Valid on <paramref name="day"/>: [ValidFrom, ValidUntil).</summary>
    public bool ValidOn(DateOnly day) => ValidFrom <= day && day < ValidUntil;
}
