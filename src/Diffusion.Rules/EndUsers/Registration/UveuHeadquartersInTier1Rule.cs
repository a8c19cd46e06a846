using Diffusion.Rules.Tiers;

namespace Diffusion.Rules.EndUsers.Registration;

/// <summary>A UVEU must be headquartered in Tier 1, and so must its ultimate parent (15 CFR 748.15, UVEU).</summary>
public sealed class UveuHeadquartersInTier1Rule : IRegistrationRule
{
    /// <inheritdoc />
    public string Id => "UVEU.HEADQUARTERS_TIER1";

    /// <inheritdoc />
    public void Evaluate(RegistrationContext context, ICollection<Reason> refusals)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(refusals);
        if (context.Veu.Kind != VeuKind.Universal)
        {
            return;
        }

        foreach (var country in context.Veu.HeadquartersCountries)
        {
            var tier = context.TierOf(country);
            if (tier != Tier.Tier1)
            {
                refusals.Add(new Reason(
                    Id,
                    $"a UVEU's {context.Veu.HeadquartersRole(country)} must be in Tier 1; {country} is in {tier}",
                    context.Rules.UveuHeadquarters.Citation,
                    context.Rules.UveuHeadquarters.Confidence));
            }
        }
    }
}
