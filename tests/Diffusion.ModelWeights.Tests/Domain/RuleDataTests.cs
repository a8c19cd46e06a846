using Diffusion.Rules;
using Diffusion.Rules.ModelWeights;
using Diffusion.Testing.Rules;

namespace Diffusion.ModelWeights.Tests.Domain;

/// <summary>The shipped rule data (rules/*/model-weights.json) and what loading rejects.</summary>
public sealed class RuleDataTests : IDisposable
{
    private static readonly string RulesDirectory = Diffusion.Rules.RulesDirectory.Locate();
    private readonly List<ScratchRules> _scratch = [];

    [Fact]
    public void Aid2025_HoldsTheSection6Values()
    {
        var rules = RuleSetLoader.Load(RulesDirectory).Get("aid-2025").Get<ModelWeightsRules>();
        Assert.Equal(1e26m, rules.ControlThreshold.Value.Value);
        Assert.Equal(2.5e25m, rules.DerivedModelAdditionalFloor.Value.Value);
        Assert.Equal(0.25m, rules.DerivedModelBaseFraction.Value);
        Assert.Equal(0.10m, rules.SyntheticDataShareThreshold.Value.Value);
        Assert.Equal("AIA", rules.Aia.Code.Value);
        Assert.Equal("presumption of denial", rules.ReviewPolicy.Restricted.Value);
        Assert.Equal("RED_FLAG_28", rules.RedFlag28.Id.Value);
        Assert.NotEmpty(rules.RedFlag28.RequiredInquiries.Value);
        Assert.All(rules.PublishedCapabilityThreshold, step => Assert.False(string.IsNullOrWhiteSpace(step.Operations.Citation)));
    }

    [Theory]
    [InlineData("aid-2025", true)]
    [InlineData("aid-2026", true)]
    [InlineData("acr-2023", false)]
    [InlineData("acr-2026", false)]
    public void Family_ExistsOnlyWithTheFramework(string ruleSet, bool present)
    {
        var registry = RuleSetLoader.Load(RulesDirectory);
        Assert.Equal(present, registry.Get(ruleSet).TryGet<ModelWeightsRules>(out _));
    }

    [Fact]
    public void ShippedRuleSets_PassTheCrossRuleSetChecks()
    {
        Assert.Empty(ModelWeightsRuleSetValidation.Problems(RuleSetLoader.Load(RulesDirectory)));
    }

    [Theory]
    [InlineData("\"value\": 1e26,\n    \"citation\": \"15 CFR 774 Supp. 1, ECCN 4E091 (90 FR 4544): models", "\"value\": -1e26,\n    \"citation\": \"15 CFR 774 Supp. 1, ECCN 4E091 (90 FR 4544): models", "$.control_threshold.value")]
    [InlineData("\"value\": 0.10,", "\"value\": 1.5,", "$.synthetic_data_share_threshold.value")]
    [InlineData("\"value\": 0.25,", "\"value\": 0,", "$.derived_model_base_fraction.value")]
    [InlineData("\"value\": [1],\n      \"citation\": \"15 CFR 740.27: recipients", "\"value\": [7],\n      \"citation\": \"15 CFR 740.27: recipients", "$.aia.headquarters_tiers.value[0]")]
    public void BadFile_NamesFileAndField(string find, string replace, string field)
    {
        using var scratch = new ScratchRules();
        scratch.Replace(Path.Combine("aid-2025", "model-weights.json"), find, replace);
        var error = Assert.Throws<RuleLoadException>(() => RuleSetLoader.Load(scratch.Root));
        Assert.EndsWith("aid-2025/model-weights.json", error.File, StringComparison.Ordinal);
        Assert.StartsWith(field, error.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void PublishedCapability_DecreasingWithinFile_Rejected()
    {
        var directory = CopyWithModelWeights("aid-2025", text => text.Replace(
            "\"published_capability_threshold\": [",
            "\"published_capability_threshold\": [ { \"effective_from\": \"2024-01-01\", \"operations\": { \"value\": 2e26, \"citation\": \"x\", \"confidence\": \"G\" } },",
            StringComparison.Ordinal));
        var error = Assert.Throws<RuleLoadException>(() => RuleSetLoader.Load(directory));
        Assert.Contains(error.Problems, p => p.Field == "$.published_capability_threshold[1].operations.value" && p.Problem.Contains("must not decrease", StringComparison.Ordinal));
    }

    [Fact]
    public void PublishedCapability_DecreasingAcrossRuleSets_Rejected()
    {
        // aid-2025 raised to 3e26; aid-2026 gets its own file holding the lower 1e26.
        var directory = CopyWithModelWeights("aid-2025", text => text.Replace(
            "\"published_capability_threshold\": [",
            "\"published_capability_threshold\": [ { \"effective_from\": \"2024-01-01\", \"operations\": { \"value\": 1e26, \"citation\": \"x\", \"confidence\": \"G\" } }, { \"effective_from\": \"2025-01-12\", \"operations\": { \"value\": 3e26, \"citation\": \"x\", \"confidence\": \"G\" } },",
            StringComparison.Ordinal).Replace("\"effective_from\": \"2025-01-13\",\n      \"operations\": {\n        \"value\": 1e26", "\"effective_from\": \"2025-01-13\",\n      \"operations\": {\n        \"value\": 3e26", StringComparison.Ordinal));
        File.Copy(Path.Combine(RulesDirectory, "aid-2025", "model-weights.json"), Path.Combine(directory, "aid-2026", "model-weights.json"));
        var registry = RuleSetLoader.Load(directory);
        var error = Assert.Throws<RuleLoadException>(() => ModelWeightsRuleSetValidation.Validate(registry));
        Assert.EndsWith("aid-2026/model-weights.json", error.File, StringComparison.Ordinal);
        Assert.Equal("$.published_capability_threshold[0].operations.value", error.Field);
        Assert.Contains("aid-2025", error.Problem, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var scratch in _scratch)
        {
            scratch.Dispose();
        }
    }

    private string CopyWithModelWeights(string ruleSet, Func<string, string> edit)
    {
        var scratch = new ScratchRules();
        _scratch.Add(scratch);
        scratch.Replace(Path.Combine(ruleSet, "model-weights.json"), edit);
        return scratch.Root;
    }
}
