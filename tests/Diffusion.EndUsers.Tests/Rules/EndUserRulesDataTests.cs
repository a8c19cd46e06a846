using Diffusion.Rules;
using Diffusion.Rules.EndUsers;
using Diffusion.Testing.Rules;

namespace Diffusion.EndUsers.Tests.Rules;

public sealed class EndUserRulesDataTests
{
    [Theory]
    [InlineData("aid-2025")]
    [InlineData("aid-2026")]   // inherited from aid-2025
    public void FrameworkRuleSets_CarryTheSupp10Percentages(string ruleSetId)
    {
        var rules = Fixtures.Registry.Get(ruleSetId).Get<EndUserRules>();

        Assert.Equal(75m, rules.UveuTier1MinSharePercent.Value);
        Assert.Equal(7m, rules.UveuTier2CountryMaxSharePercent.Value);
        Assert.Equal(50m, rules.UveuUsMinSharePercent.Value);
        Assert.Equal(Confidence.Secondary, rules.UveuTier1MinSharePercent.Confidence);
        Assert.Contains("Supp. 10 para 6", rules.UveuTier2CountryMaxSharePercent.Citation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("acr-2023")]
    [InlineData("acr-2026")]
    public void RuleSetsWithoutTheFramework_HaveNoVeuRules(string ruleSetId) =>
        Assert.False(Fixtures.Registry.Get(ruleSetId).TryGet<EndUserRules>(out _));

    [Theory]
    [InlineData("uveu_tier1_min_share_percent", "101", "$.uveu_tier1_min_share_percent.value")]
    [InlineData("uveu_tier2_country_max_share_percent", "-1", "$.uveu_tier2_country_max_share_percent.value")]
    [InlineData("uveu_us_min_share_percent", "50.0000001", "$.uveu_us_min_share_percent.value")]
    public void BadPercentage_StopsLoading_NamingFileAndField(string field, string value, string path)
    {
        using var scratch = new ScratchRules();
        scratch.Edit("aid-2025/end-users.json", json => json[field]!["value"] = System.Text.Json.Nodes.JsonValue.Create(
            decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

        var error = Assert.Throws<RuleLoadException>(() => RuleSetLoader.Load(scratch.Root));

        Assert.Contains("end-users.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingCitation_StopsLoading()
    {
        using var scratch = new ScratchRules();
        scratch.Edit("aid-2025/end-users.json", json => json["standing"]!["citation"] = "");

        var error = Assert.Throws<RuleLoadException>(() => RuleSetLoader.Load(scratch.Root));

        Assert.Contains("$.standing.citation", error.Message, StringComparison.Ordinal);
    }
}
