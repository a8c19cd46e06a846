using Diffusion.Decisions.Tests.Scenarios;
using Diffusion.Decisions.V1;
using System.Text.Json.Nodes;

namespace Diffusion.Decisions.Tests.Gaps;

/// <summary>DescribeRules (<c>diffusion rules show</c>) shows the effective rule set: per-key inheritance resolved.</summary>
[Collection(StackCollection.Name)]
public sealed class EffectiveRulesTests(DiffusionStack stack)
{
    [Fact]
    public async Task DescribeRules_ShowsEachFamilysEffectiveDataAndTheFilesItIsMadeOf()
    {
        var response = await stack.Client.DescribeRulesAsync(new DescribeRulesRequest { RuleSet = "aid-2026" });

        var classification = Assert.Single(response.Families, f => f.Name == "classification");
        var tiers = Assert.Single(response.Families, f => f.Name == "tiers");
        Assert.Equal(["rules/acr-2023/classification.json", "rules/aid-2025/classification.json"], classification.Files);
        Assert.Equal(["rules/acr-2023/tiers.json", "rules/aid-2025/tiers.json"], tiers.Files);
        Assert.NotNull(JsonNode.Parse(tiers.Json)!["nac_groups"]);                 // acr-2023's key, not repeated in aid-2025
        var json = JsonNode.Parse(classification.Json)!;
        Assert.NotNull(json["a1"]!["tpp_min"]!["citation"]);           // acr-2023's key
        Assert.Contains("LPP", json["license_exceptions"]!["3A090.a"]!["value"]!.AsArray().Select(v => v!.GetValue<string>()));   // aid-2025's
    }
}
