namespace Diffusion.Rules.Tests.Loading;

public sealed class RuleSetRegistryTests
{
    [Theory]
    [InlineData("2023-11-17", "acr-2023")]
    [InlineData("2025-01-12", "acr-2023")]
    [InlineData("2025-01-13", "aid-2025")]
    [InlineData("2025-05-13", "aid-2025")]
    [InlineData("2026-01-14", "aid-2025")]
    [InlineData("2026-01-15", "aid-2026")]
    [InlineData("2026-11-21", "aid-2026")]
    public void Resolve_FrameworkEnforced_PicksTheSetInForce(string day, string expected)
    {
        var set = TestRules.Registry.Resolve(null, DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, set.Id);
    }

    [Theory]
    [InlineData("2025-01-13", "aid-2025")]
    [InlineData("2025-05-12", "aid-2025")]
    [InlineData("2025-05-13", "acr-2023")]
    [InlineData("2026-01-14", "acr-2023")]
    [InlineData("2026-01-15", "acr-2026")]
    [InlineData("2026-11-21", "acr-2026")]
    public void Resolve_FrameworkNotEnforced_FromMay2025UsesTheSetWithoutIt(string day, string expected)
    {
        var registry = TestRules.Load(new RuleOptions { EnforceAiDiffusion2025 = false });

        var set = registry.Resolve("", DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, set.Id);
    }

    [Fact]
    public void Resolve_ExplicitId_WinsOverDate()
    {
        Assert.Equal("acr-2026", TestRules.Registry.Resolve("acr-2026", new DateOnly(2024, 1, 1)).Id);
    }

    [Fact]
    public void Resolve_UnknownId_IsARuleSetError()
    {
        var e = Assert.Throws<RuleSetResolutionException>(() => TestRules.Registry.Resolve("ai-diffusion-2025", new DateOnly(2025, 2, 1)));

        Assert.Equal("rule_set", e.Field);
        Assert.StartsWith("rule_set: unknown rule set 'ai-diffusion-2025'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_DayBeforeAnySet_IsAnAsOfError()
    {
        var e = Assert.Throws<RuleSetResolutionException>(() => TestRules.Registry.Resolve(null, new DateOnly(2022, 1, 1)));

        Assert.Equal("as_of", e.Field);
        Assert.StartsWith("as_of: no rule set in force on 2022-01-01", e.Message, StringComparison.Ordinal);
    }
}
