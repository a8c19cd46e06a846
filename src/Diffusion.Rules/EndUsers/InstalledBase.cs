namespace Diffusion.Rules.EndUsers;

/// <summary>One country's part of a VEU's installed base, in whole TPP.</summary>
/// <remarks>
/// <see cref="DeployedTpp"/> is cumulative and never falls: it is what an NVEU allocation counts.
/// <see cref="InstalledTpp"/> = deployed - attrition: it is what the UVEU geographic shares are computed on.
/// </remarks>
public sealed record CountryInstalledBase
{
    /// <summary>Creates a country entry; attrition may not exceed what was deployed.</summary>
    public CountryInstalledBase(string country, long deployedTpp, long attritionTpp)
    {
        CountryCode.Require(country, nameof(country));
        ArgumentOutOfRangeException.ThrowIfNegative(deployedTpp);
        ArgumentOutOfRangeException.ThrowIfNegative(attritionTpp);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(attritionTpp, deployedTpp);
        Country = country;
        DeployedTpp = deployedTpp;
        AttritionTpp = attritionTpp;
    }

    /// <summary>ISO 3166-1 alpha-2 code.</summary>
    public string Country { get; }

    /// <summary>Cumulative TPP deployed in the country.</summary>
    public long DeployedTpp { get; }

    /// <summary>Cumulative TPP that left the installed base (loss, damage, failure, relocation, resale).</summary>
    public long AttritionTpp { get; }

    /// <summary>TPP installed now.</summary>
    public long InstalledTpp => DeployedTpp - AttritionTpp;
}

/// <summary>A VEU's installed base by country.</summary>
public sealed record InstalledBase
{
    /// <summary>Creates an installed base; one entry per country.</summary>
    public InstalledBase(string veuId, IEnumerable<CountryInstalledBase> countries)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(veuId);
        ArgumentNullException.ThrowIfNull(countries);
        var sorted = countries.OrderBy(c => c.Country, StringComparer.Ordinal).ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Country == sorted[i - 1].Country)
            {
                throw new ArgumentException($"country {sorted[i].Country} appears twice", nameof(countries));
            }
        }

        VeuId = veuId;
        Countries = sorted;
        TotalInstalledTpp = sorted.Aggregate(0L, (sum, c) => checked(sum + c.InstalledTpp));
    }

    /// <summary>The VEU.</summary>
    public string VeuId { get; }

    /// <summary>Countries in ordinal order of their codes.</summary>
    public IReadOnlyList<CountryInstalledBase> Countries { get; }

    /// <summary>Sum of installed TPP over every country.</summary>
    public long TotalInstalledTpp { get; }

    /// <summary>An empty installed base.</summary>
    public static InstalledBase Empty(string veuId) => new(veuId, []);

    /// <summary>The entry for <paramref name="country"/>, or an empty one.</summary>
    public CountryInstalledBase For(string country) =>
        Countries.FirstOrDefault(c => c.Country == country) ?? new CountryInstalledBase(country, 0, 0);

    /// <summary>The installed base after deploying <paramref name="tpp"/> more in <paramref name="country"/>.</summary>
    public InstalledBase WithDeployment(string country, long tpp)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tpp);
        var current = For(country);
        return Replace(new CountryInstalledBase(country, checked(current.DeployedTpp + tpp), current.AttritionTpp));
    }

    /// <summary>The installed base after <paramref name="tpp"/> left it in <paramref name="country"/>.</summary>
    public InstalledBase WithAttrition(string country, long tpp)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tpp);
        var current = For(country);
        return Replace(new CountryInstalledBase(country, current.DeployedTpp, checked(current.AttritionTpp + tpp)));
    }

    /// <summary>Sum of installed TPP over the countries matching <paramref name="predicate"/>.</summary>
    public long InstalledWhere(Func<string, bool> predicate) =>
        Countries.Where(c => predicate(c.Country)).Aggregate(0L, (sum, c) => checked(sum + c.InstalledTpp));

    private InstalledBase Replace(CountryInstalledBase entry) =>
        new(VeuId, Countries.Where(c => c.Country != entry.Country).Append(entry));

    /// <inheritdoc />
    public bool Equals(InstalledBase? other) =>
        other is not null && VeuId == other.VeuId && Countries.SequenceEqual(other.Countries);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(VeuId, TotalInstalledTpp);
}
