using Diffusion.Rules.Tiers;

namespace Diffusion.Rules.EndUsers.Registration;

/// <summary>What the registration rules look at.</summary>
/// <param name="Veu">The VEU asking to be registered.</param>
/// <param name="Rules">The end-user rule family of the rule set in force.</param>
/// <param name="TierOf">The destination tier of a country under that rule set.</param>
public sealed record RegistrationContext(Veu Veu, EndUserRules Rules, Func<string, Tier> TierOf);
