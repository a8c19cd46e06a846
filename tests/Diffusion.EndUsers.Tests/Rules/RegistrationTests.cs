using Diffusion.Rules.EndUsers;
using Diffusion.Rules.EndUsers.Registration;

namespace Diffusion.EndUsers.Tests.Rules;

public sealed class RegistrationTests
{
    [Theory]
    [InlineData(VeuKind.Universal, "US", "", "AE,DE", "")]
    [InlineData(VeuKind.Universal, "DE", "US", "", "")]
    [InlineData(VeuKind.Universal, "AE", "", "AE", "UVEU.HEADQUARTERS_TIER1")]
    [InlineData(VeuKind.Universal, "GB", "SG", "", "UVEU.HEADQUARTERS_TIER1")]               // parent in Tier 2
    [InlineData(VeuKind.Universal, "CN", "", "", "UVEU.HEADQUARTERS_TIER1")]
    [InlineData(VeuKind.Universal, "US", "", "DE,MO", "VEU.NO_TIER3_LOCATIONS")]
    [InlineData(VeuKind.Universal, "AE", "CN", "CN", "UVEU.HEADQUARTERS_TIER1,UVEU.HEADQUARTERS_TIER1,VEU.NO_TIER3_LOCATIONS")]
    [InlineData(VeuKind.National, "AE", "", "AE", "")]
    [InlineData(VeuKind.National, "US", "", "IN", "")]
    [InlineData(VeuKind.National, "CN", "", "AE", "NVEU.HEADQUARTERS_NOT_TIER3")]
    [InlineData(VeuKind.National, "SG", "MO", "AE", "NVEU.HEADQUARTERS_NOT_TIER3")]          // parent in Tier 3
    [InlineData(VeuKind.National, "AE", "", "", "NVEU.COUNTRY_AUTHORIZATION")]
    [InlineData(VeuKind.National, "AE", "", "AE,RU", "VEU.NO_TIER3_LOCATIONS")]
    public void Registration_RefusesWithEveryReason(VeuKind kind, string headquarters, string parent, string countries, string expected)
    {
        var veu = new Veu("v", kind, "n", headquarters, parent, countries.Split(',', StringSplitOptions.RemoveEmptyEntries),
            VeuStatus.Active, Fixtures.AsOf, null);

        var verdict = RegistrationEvaluator.Default.Evaluate(new RegistrationContext(veu, Fixtures.Rules, Fixtures.TierOf));

        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), verdict.Reasons.Select(r => r.Code));
        Assert.Equal(expected.Length == 0, verdict.Accepted);
        Assert.All(verdict.Reasons, r => Assert.StartsWith("15 CFR 748.15", r.Citation, StringComparison.Ordinal));
    }
}
