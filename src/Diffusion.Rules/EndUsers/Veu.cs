namespace Diffusion.Rules.EndUsers;

/// <summary>A Validated End User authorisation.</summary>
public sealed record Veu
{
    /// <summary>Creates a VEU, checking the shape of every field.</summary>
    public Veu(
        string id,
        VeuKind kind,
        string name,
        string headquartersCountry,
        string parentHeadquartersCountry,
        IReadOnlyList<string> authorizedCountries,
        VeuStatus status,
        DateTimeOffset validFrom,
        DateTimeOffset? validTo)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(authorizedCountries);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown VEU kind");
        }

        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "unknown VEU status");
        }

        CountryCode.Require(headquartersCountry, nameof(headquartersCountry));
        if (parentHeadquartersCountry.Length > 0)
        {
            CountryCode.Require(parentHeadquartersCountry, nameof(parentHeadquartersCountry));
        }

        foreach (var country in authorizedCountries)
        {
            CountryCode.Require(country, nameof(authorizedCountries));
        }

        if (validTo is { } end && end <= validFrom)
        {
            throw new ArgumentException("valid_to must be after valid_from", nameof(validTo));
        }

        Id = id;
        Kind = kind;
        Name = name;
        HeadquartersCountry = headquartersCountry;
        ParentHeadquartersCountry = parentHeadquartersCountry;
        AuthorizedCountries = [.. authorizedCountries.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        Status = status;
        ValidFrom = validFrom;
        ValidTo = validTo;
    }

    /// <summary>The VEU's identifier (also the middle of its NVEU bucket ids, <c>nveu/&lt;id&gt;/&lt;CC&gt;</c>).</summary>
    public string Id { get; }

    /// <summary>Universal or national.</summary>
    public VeuKind Kind { get; }

    /// <summary>The entity's name.</summary>
    public string Name { get; }

    /// <summary>ISO 3166-1 alpha-2 country of the headquarters.</summary>
    public string HeadquartersCountry { get; }

    /// <summary>Country of the ultimate parent's headquarters; empty when the VEU is its own ultimate parent.</summary>
    public string ParentHeadquartersCountry { get; }

    /// <summary>Countries the VEU may deploy in, sorted and without duplicates (an NVEU: one authorisation each).</summary>
    public IReadOnlyList<string> AuthorizedCountries { get; }

    /// <summary>Whether the authorisation is usable.</summary>
    public VeuStatus Status { get; init; }

    /// <summary>Start of validity (inclusive).</summary>
    public DateTimeOffset ValidFrom { get; }

    /// <summary>End of validity (exclusive); null: open-ended.</summary>
    public DateTimeOffset? ValidTo { get; }

    /// <summary>The countries whose headquarters decide the VEU's standing: its own and its ultimate parent's.</summary>
    public IEnumerable<string> HeadquartersCountries =>
        ParentHeadquartersCountry.Length == 0 || ParentHeadquartersCountry == HeadquartersCountry
            ? [HeadquartersCountry]
            : [HeadquartersCountry, ParentHeadquartersCountry];

    /// <summary>Names whose headquarters <paramref name="country"/> is, for reasons: the VEU's own or its ultimate parent's.</summary>
    public string HeadquartersRole(string country) =>
        country == HeadquartersCountry ? "headquarters" : "ultimate parent's headquarters";

    /// <summary>Whether <paramref name="asOf"/> lies in [ValidFrom, ValidTo).</summary>
    public bool IsValidAt(DateTimeOffset asOf) => asOf >= ValidFrom && (ValidTo is null || asOf < ValidTo);

    /// <summary>Whether the VEU holds an authorisation for <paramref name="country"/>.</summary>
    public bool IsAuthorizedFor(string country) => AuthorizedCountries.Contains(country, StringComparer.Ordinal);

    /// <inheritdoc />
    public bool Equals(Veu? other) =>
        other is not null && Id == other.Id && Kind == other.Kind && Name == other.Name &&
        HeadquartersCountry == other.HeadquartersCountry && ParentHeadquartersCountry == other.ParentHeadquartersCountry &&
        AuthorizedCountries.SequenceEqual(other.AuthorizedCountries, StringComparer.Ordinal) && Status == other.Status &&
        ValidFrom == other.ValidFrom && ValidTo == other.ValidTo;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Kind, HeadquartersCountry, Status, ValidFrom);
}
