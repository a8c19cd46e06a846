namespace Diffusion.Rules.Tests.Loading;

/// <summary>The enforcement posture each decision reports, and what <c>rules show</c> describes on a day.</summary>
public sealed class RuleSetDescriptionTests
{
    private static DateOnly Day(string day) => DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(true, "2025-03-01", "aid-2025", EnforcementPosture.AsWritten, "the framework was enforced on that day")]
    [InlineData(true, "2026-03-01", "aid-2026", EnforcementPosture.AsWritten, "on the books, not enforced since 2025-05-13")]
    [InlineData(false, "2025-03-01", "aid-2025", EnforcementPosture.AsWritten, "the framework was enforced on that day")]
    [InlineData(false, "2026-03-01", "acr-2026", EnforcementPosture.AsEnforced, "BIS's non-enforcement of the AI Diffusion framework followed")]
    [InlineData(false, "2024-06-01", "acr-2023", EnforcementPosture.AsWritten, "no AI Diffusion framework in force")]
    public void PostureOf_TheSetTheDayResolvesTo(bool enforce, string day, string expectedSet, string posture, string says)
    {
        var registry = TestRules.Load(new RuleOptions { EnforceAiDiffusion2025 = enforce });
        var set = registry.Resolve(null, Day(day));

        var result = registry.PostureOf(set, Day(day), named: false);

        Assert.Equal(expectedSet, set.Id);
        Assert.Equal(posture, result.Name);
        Assert.Equal("RULESET.POSTURE", result.Reason.Code);
        Assert.Contains(says, result.Reason.Message, StringComparison.Ordinal);
        Assert.Contains($"Rules:EnforceAiDiffusion2025={(enforce ? "true" : "false")}", result.Reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostureOf_NamedSet_SaysItWasNamedAndWhatTheSettingWouldDo()
    {
        var registry = TestRules.Load(new RuleOptions { EnforceAiDiffusion2025 = false });

        var result = registry.PostureOf(registry.Get("aid-2026"), Day("2026-03-01"), named: true);

        Assert.Equal(EnforcementPosture.AsWritten, result.Name);
        Assert.Contains("aid-2026 named by the request", result.Reason.Message, StringComparison.Ordinal);
        Assert.Contains("would apply it as enforced", result.Reason.Message, StringComparison.Ordinal);
        Assert.Contains("B-337935", result.Reason.Citation, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_ShowsOnlyTheStatusFactsKnownOnTheDay()
    {
        var set = TestRules.Registry.Get("aid-2026");

        var may = RuleSetDescription.Of(TestRules.Registry, set, Day("2026-05-11"), named: true);
        var june = RuleSetDescription.Of(TestRules.Registry, set, Day("2026-06-01"), named: true);

        Assert.DoesNotContain(may.Statuses, f => f.Citation.Contains("B-337935", StringComparison.Ordinal) && f.Name.StartsWith("status 2026", StringComparison.Ordinal));
        Assert.Contains(june.Statuses, f => f.Name == "status 2026-05-12" && f.Confidence == Confidence.Government);
        Assert.Contains(june.Statuses, f => f.Name == "status" && f.Value == "not-enforced since 2025-05-13");
        Assert.Contains(june.Statuses, f => f.Name == "posture" && f.Value.StartsWith("as-written:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2026-02-02", true)]
    [InlineData("2026-02-03", false)]
    public void Describe_CountryGroupsOnTheDay_Cambodia(string day, bool inD5)
    {
        var description = RuleSetDescription.Of(TestRules.Registry, TestRules.Registry.Get("aid-2026"), Day(day), named: true);

        var d5 = Assert.Single(description.Groups, g => g.Name == "D:5");
        Assert.Equal(inD5, d5.Members.Any(m => m.Country == "KH"));
        Assert.All(d5.Members, m => Assert.False(string.IsNullOrWhiteSpace(m.Citation)));
        Assert.Contains(d5.Members, m => m.Country == "CN");
    }

    [Theory]
    [InlineData("2026-07-09", "stayed", false)]
    [InlineData("2026-11-10", "in-force", true)]
    [InlineData("2027-04-06", "in-force", false)]
    public void Describe_AffiliatesStatusAndApprovedConsigneesOnTheDay(string day, string affiliates, bool g42)
    {
        var description = RuleSetDescription.Of(TestRules.Registry, TestRules.Registry.Get("acr-2026"), Day(day), named: true);

        Assert.Equal(affiliates, Assert.Single(description.Statuses, f => f.Name == "affiliates rule").Value);
        Assert.Equal(g42, description.Statuses.Any(f => f.Name == "approved consignee" && f.Value.StartsWith("G42", StringComparison.Ordinal)));
    }

    [Fact]
    public void Load_AffiliatesSettingNotAStatus_StopsNamingTheSetting()
    {
        var e = Assert.Throws<RuleLoadException>(() => TestRules.Load(new RuleOptions { AffiliatesRuleAfterStay = "extended?" }));

        Assert.Contains("Rules:AffiliatesRuleAfterStay", e.Message, StringComparison.Ordinal);
    }
}
