using Diffusion.Rules.Tiers;

namespace Diffusion.Rules.EndUsers.Deployment;

/// <summary>
/// A VEU deploys only where it is authorised: never in D:5 or Macau; an NVEU only in a country it holds an
/// authorisation for; a UVEU that lists its datacenter countries only in those (15 CFR 748.15).
/// </summary>
public sealed class DeploymentLocationRule : IDeploymentRule
{
    /// <inheritdoc />
    public string Id => "VEU.LOCATION";

    /// <inheritdoc />
    public void Evaluate(DeploymentContext context, DeploymentFindings findings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(findings);
        var veu = context.Veu;
        var country = context.Country;
        if (context.TierOf(country) == Tier.Tier3)
        {
            var prohibited = context.Rules.ProhibitedLocations;
            findings.Refuse(new Reason(Id, $"{country} is in Tier 3 (D:5 or Macau): no VEU deployment there", prohibited.Citation, prohibited.Confidence));
        }

        if (veu.Kind == VeuKind.National && !veu.IsAuthorizedFor(country))
        {
            var source = context.Rules.NveuCountryAuthorization;
            findings.Refuse(new Reason(
                Id,
                $"NVEU {veu.Id} holds no authorisation for {country} (authorised: {string.Join(", ", veu.AuthorizedCountries)})",
                source.Citation,
                source.Confidence));
        }

        if (veu.Kind == VeuKind.Universal && veu.AuthorizedCountries.Count > 0 && !veu.IsAuthorizedFor(country))
        {
            var source = context.Rules.UveuDatacenters;
            findings.Refuse(new Reason(
                Id,
                $"UVEU {veu.Id} lists no datacenter in {country} (listed: {string.Join(", ", veu.AuthorizedCountries)})",
                source.Citation,
                source.Confidence));
        }
    }
}
