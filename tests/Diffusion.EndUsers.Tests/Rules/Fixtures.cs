using Diffusion.Rules;
using Diffusion.Rules.EndUsers;
using Diffusion.Rules.EndUsers.Deployment;
using Diffusion.Rules.Tiers;

namespace Diffusion.EndUsers.Tests.Rules;

/// <summary>Rule parameters and VEUs for the pure rule tests (the regulation's numbers: 75 %, 7 %, 50 %).</summary>
internal static class Fixtures
{
    public static readonly DateTimeOffset AsOf = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The repository's rule sets, loaded as a service loads them.</summary>
    public static RuleSetRegistry Registry { get; } = RuleSetLoader.Load(RulesDirectory.Locate());

    /// <summary>The shipped end-user rules of aid-2025 (75 %, 7 %, 50 %).</summary>
    public static EndUserRules Rules { get; } = Registry.Get("aid-2025").Get<EndUserRules>();

    private static readonly Destinations Tiers = Registry.Get("aid-2025").DestinationsOn(DateOnly.FromDateTime(AsOf.UtcDateTime));

    /// <summary>The shipped tiers: US, DE, FR, JP, GB ... Tier 1; CN, MO, RU ... Tier 3; AE, SA, IN ... Tier 2.</summary>
    public static Tier TierOf(string country) => Tiers.TierOf(country).Tier;

    public static Veu Uveu(string headquarters = "US", string parent = "", params string[] countries) =>
        new("uveu-1", VeuKind.Universal, "Cloud Co", headquarters, parent, countries, VeuStatus.Active, AsOf.AddYears(-1), null);

    public static Veu Nveu(string headquarters = "AE", params string[] countries) =>
        new("nveu-1", VeuKind.National, "Gulf DC", headquarters, "", countries.Length == 0 ? ["AE"] : countries,
            VeuStatus.Active, AsOf.AddYears(-1), null);

    public static InstalledBase Base(string veuId, params (string Country, long Deployed, long Attrition)[] countries) =>
        new(veuId, countries.Select(c => new CountryInstalledBase(c.Country, c.Deployed, c.Attrition)));

    public static DeploymentVerdict Check(Veu veu, InstalledBase before, string country, long tpp, NveuAllocation? allocation = null) =>
        DeploymentEvaluator.Default.Evaluate(new DeploymentContext(veu, country, tpp, AsOf, before, Rules, TierOf, allocation));

    public static LimitCheck Limit(this DeploymentVerdict verdict, string limitId) =>
        Assert.Single(verdict.Limits, l => l.LimitId == limitId);
}
