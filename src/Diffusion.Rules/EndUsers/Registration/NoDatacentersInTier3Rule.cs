using Diffusion.Rules.Tiers;

namespace Diffusion.Rules.EndUsers.Registration;

/// <summary>No VEU may hold an authorisation for (have datacenters in) Country Group D:5 or Macau (15 CFR 748.15).</summary>
public sealed class NoDatacentersInTier3Rule : IRegistrationRule
{
    /// <inheritdoc />
    public string Id => "VEU.NO_TIER3_LOCATIONS";

    /// <inheritdoc />
    public void Evaluate(RegistrationContext context, ICollection<Reason> refusals)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(refusals);
        foreach (var country in context.Veu.AuthorizedCountries)
        {
            if (context.TierOf(country) == Tier.Tier3)
            {
                refusals.Add(new Reason(
                    Id,
                    $"a VEU may not be authorised for datacenters in D:5 or Macau; {country} is in Tier3",
                    context.Rules.ProhibitedLocations.Citation,
                    context.Rules.ProhibitedLocations.Confidence));
            }
        }
    }
}
