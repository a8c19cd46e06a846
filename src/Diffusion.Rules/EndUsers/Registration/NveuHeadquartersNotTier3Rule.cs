using Diffusion.Rules.Tiers;

namespace Diffusion.Rules.EndUsers.Registration;

/// <summary>
/// An NVEU may not be headquartered in Tier 3 (D:5 or Macau), nor may its ultimate parent: an entity headquartered
/// there is treated as Tier 3 wherever it is (15 CFR 748.15, NVEU).
/// </summary>
public sealed class NveuHeadquartersNotTier3Rule : IRegistrationRule
{
    /// <inheritdoc />
    public string Id => "NVEU.HEADQUARTERS_NOT_TIER3";

    /// <inheritdoc />
    public void Evaluate(RegistrationContext context, ICollection<Reason> refusals)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(refusals);
        if (context.Veu.Kind != VeuKind.National)
        {
            return;
        }

        foreach (var country in context.Veu.HeadquartersCountries)
        {
            if (context.TierOf(country) == Tier.Tier3)
            {
                refusals.Add(new Reason(
                    Id,
                    $"an NVEU's {context.Veu.HeadquartersRole(country)} may not be in Tier 3 (D:5 or Macau); {country} is",
                    context.Rules.NveuHeadquarters.Citation,
                    context.Rules.NveuHeadquarters.Confidence));
            }
        }
    }
}
