namespace Diffusion.Rules.EndUsers.Registration;

/// <summary>
/// An NVEU is authorised country by country, so it must name at least one country; each named country is a
/// separate authorisation with its own allocation (15 CFR 748.15, NVEU).
/// </summary>
public sealed class NveuCountryAuthorizationRule : IRegistrationRule
{
    /// <inheritdoc />
    public string Id => "NVEU.COUNTRY_AUTHORIZATION";

    /// <inheritdoc />
    public void Evaluate(RegistrationContext context, ICollection<Reason> refusals)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(refusals);
        if (context.Veu.Kind == VeuKind.National && context.Veu.AuthorizedCountries.Count == 0)
        {
            refusals.Add(new Reason(
                Id,
                "an NVEU is authorised per country: name at least one authorised country",
                context.Rules.NveuCountryAuthorization.Citation,
                context.Rules.NveuCountryAuthorization.Confidence));
        }
    }
}
