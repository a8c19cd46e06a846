using Diffusion.Rules.Countries;

namespace Diffusion.Rules.EndUsers;

/// <summary>ISO 3166-1 alpha-2 country codes, upper case (e.g. "AE", "US").</summary>
public static class CountryCode
{
    /// <summary>The United States: a US-headquartered UVEU must keep a share of its compute there.</summary>
    public const string UnitedStates = "US";

    /// <summary>Whether <paramref name="value"/> is an officially assigned code (rules/iso-3166-1.json).</summary>
    public static bool IsValid(string? value) => Iso3166.IsAssigned(value);

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="paramName"/> unless valid.</summary>
    public static void Require(string? value, string paramName)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException($"'{value}' is not an assigned ISO 3166-1 alpha-2 country code", paramName);
        }
    }
}
