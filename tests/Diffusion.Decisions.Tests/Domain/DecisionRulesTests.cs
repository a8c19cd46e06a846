using Diffusion.Rules;
using Diffusion.Rules.Decisions;

namespace Diffusion.Decisions.Tests.Domain;

public sealed class DecisionRulesTests
{
    [Theory]
    [InlineData("acr-2023", false)]
    [InlineData("aid-2025", false)]
    [InlineData("aid-2026", true)]
    [InlineData("acr-2026", true)]
    public void EveryRuleSet_HasDecisionRules(string ruleSet, bool band)
    {
        var rules = Orders.RuleSet(ruleSet).Get<DecisionRules>();

        Assert.Equal(band, rules.CaseByCase is not null);
        Assert.Equal("lpp/acme/2026", rules.LppBucketId("acme", 2026));
        Assert.Equal("country/AE/2025-2027", rules.CountryAllocationBucketId("AE"));
        Assert.Equal("nveu/v1/IN", rules.NveuBucketId("v1", "IN"));
    }

    [Fact]
    public void Load_TemplateWithoutPlaceholder_NamesFileAndField()
    {
        var source = Path.Combine(RulesDirectory.Locate(), "aid-2026", "decisions.json");
        var path = Path.Combine(Path.GetTempPath(), $"decisions-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, File.ReadAllText(source).Replace("lpp/{consignee}/{year}", "lpp/{consignee}", StringComparison.Ordinal));
        try
        {
            var e = Assert.Throws<RuleLoadException>(() => RuleJson.Read(path, "rules/x/decisions.json", typeof(DecisionRules)));

            Assert.Contains("rules/x/decisions.json", e.Message, StringComparison.Ordinal);
            Assert.Contains("$.lpp_bucket.value", e.Message, StringComparison.Ordinal);
            Assert.Contains("{year}", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
