using Diffusion.Rules.EndUsers;
using Diffusion.Rules.EndUsers.Deployment;

namespace Diffusion.EndUsers.Tests.Rules;

/// <summary>Rule parameters and VEUs for the pure rule tests (the regulation's numbers: 75 %, 7 %, 50 %).</summary>
internal static class Fixtures
{
    public static readonly DateTimeOffset AsOf = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly RuleSource Supp10Para6 = new("15 CFR 748 Supp. 10 para 6", "S");
    private static readonly RuleSource Section74815 = new("15 CFR 748.15", "R");

    public static EndUserRules Rules { get; } = new(
        new CitedShare(new SharePercent(75m), Supp10Para6),
        new CitedShare(new SharePercent(7m), Supp10Para6),
        new CitedShare(new SharePercent(50m), Supp10Para6),
        Section74815,
        Section74815,
        Section74815,
        Section74815,
        Section74815,
        Section74815,
        Section74815);

    private static readonly HashSet<string> Tier1 = ["US", "DE", "FR", "JP", "GB", "NL", "CA"];
    private static readonly HashSet<string> Tier3 = ["CN", "MO", "RU", "IR"];

    public static CountryTier TierOf(string country) =>
        Tier1.Contains(country) ? CountryTier.Tier1 : Tier3.Contains(country) ? CountryTier.Tier3 : CountryTier.Tier2;

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
