using System.Text.Json.Nodes;
using Diffusion.Rules.Classification;
using Diffusion.Rules.Tiers;

namespace Diffusion.Rules.Tests.Loading;

public sealed class RuleSetLoaderTests
{
    [Fact]
    public void Load_RepositoryRules_HasTheFourRuleSets()
    {
        var ids = TestRules.Registry.All.Select(s => s.Id).ToList();

        Assert.Equal(["acr-2023", "aid-2025", "acr-2026", "aid-2026"], ids);
    }

    [Fact]
    public void Load_RepositoryRules_EveryKnownFamilyHasDataInSomeRuleSet()
    {
        var families = RuleFamilyCatalog.Default.Families.Keys.Order(StringComparer.Ordinal).ToList();

        Assert.Contains("classification", families);
        Assert.Contains("tiers", families);
        Assert.All(families, family => Assert.Contains(TestRules.Registry.All, set => set.FamilyNames.Contains(family)));
    }

    [Fact]
    public void Load_RepositoryRules_ManifestsCarryDatesAndCitations()
    {
        var aid = TestRules.Registry.Get("aid-2025");

        Assert.Equal(new DateOnly(2025, 1, 13), aid.Effective.From);
        Assert.Equal(new DateOnly(2026, 1, 15), aid.Effective.To);
        Assert.Equal(RuleSetManifest.NotEnforced, aid.Manifest.Status.Value);
        Assert.Contains(aid.StatusFacts, f => f.Citation.Contains("B-337935", StringComparison.Ordinal) && f.Date == new DateOnly(2026, 5, 12) && f.Confidence == Confidence.Government);
        Assert.Same(aid.StatusFacts, TestRules.Registry.Get("aid-2026").StatusFacts);
        Assert.Equal(new DateOnly(2025, 5, 13), aid.NonEnforcementFrom);
        Assert.Contains("90 FR 4544", aid.Manifest.Citation, StringComparison.Ordinal);
        Assert.Equal(Confidence.Government, aid.Manifest.Status.Confidence);
        Assert.True(aid.Manifest.AiDiffusionFramework);
        Assert.Equal(new DateOnly(2023, 11, 17), TestRules.Registry.Get("acr-2023").Effective.From);
        Assert.Null(TestRules.Registry.Get("acr-2026").Effective.To);
    }

    [Fact]
    public void Get_FamilyAbsentFromSet_IsInheritedFromParent()
    {
        var aid2026 = TestRules.Registry.Get("aid-2026");
        var acr2026 = TestRules.Registry.Get("acr-2026");

        Assert.Same(TestRules.Registry.Get("aid-2025").Get<ClassificationRules>(), aid2026.Get<ClassificationRules>());
        Assert.Equal("rules/aid-2025/classification.json", aid2026.SourceFileOf<ClassificationRules>());
        Assert.Equal("rules/acr-2023/classification.json", acr2026.SourceFileOf<ClassificationRules>());
        Assert.Equal("rules/aid-2025/tiers.json", aid2026.SourceFileOf<TierRules>());
        Assert.Same(TestRules.Registry.Get("aid-2025").Get<TierRules>(), aid2026.Get<TierRules>());
    }

    [Fact]
    public void Get_ValuesCarryCitationAndConfidence()
    {
        var rules = TestRules.Registry.Get("acr-2023").Get<ClassificationRules>();

        Assert.Equal(4800m, rules.A1.TppMin.Value);
        Assert.Equal(Confidence.Regulatory, rules.A1.TppMin.Confidence);
        Assert.Contains("3A090.a.1", rules.A1.TppMin.Citation, StringComparison.Ordinal);
        Assert.Equal(15832m, rules.H100Tpp.Value);
        Assert.Equal(Confidence.Computed, rules.H100Tpp.Confidence);
        Assert.Equal(Confidence.Secondary, rules.Hbm.LicenseExceptionDensityBelow.Confidence);
    }

    [Fact]
    public void Get_FamilyNobodyDefines_ThrowsNamingSetAndFamily()
    {
        var catalog = RuleFamilyCatalog.FromTypes([typeof(ClassificationRules), typeof(TierRules), typeof(UnusedFamily)]);
        var registry = RuleSetLoader.Load(TestRules.Directory, families: catalog);

        var e = Assert.Throws<RuleFamilyMissingException>(() => registry.Get("acr-2023").Get<UnusedFamily>());
        Assert.Contains("'acr-2023'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'unused-test-family'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FamilyFromAnotherCatalog_ParsesSnakeCaseAndValidates()
    {
        using var rules = new ScratchRules();
        rules.Write("aid-2025/unused-test-family.json", """{ "some_limit": { "value": 5, "citation": "test", "confidence": "C" } }""");
        var catalog = RuleFamilyCatalog.FromTypes([typeof(ClassificationRules), typeof(TierRules), typeof(UnusedFamily)]);

        var registry = RuleSetLoader.Load(rules.Root, families: catalog);

        Assert.Equal(5m, registry.Get("aid-2026").Get<UnusedFamily>().SomeLimit.Value);
        Assert.False(registry.Get("acr-2026").TryGet<UnusedFamily>(out _));
    }

    [Fact]
    public void Load_MissingField_NamesFileFieldAndProblem()
    {
        using var rules = new ScratchRules();
        rules.Edit("acr-2023/classification.json", j => j["a1"]!["tpp_min"]!.AsObject().Remove("citation"));

        var e = rules.LoadFails();

        Assert.Equal("rules/acr-2023/classification.json", e.File);
        Assert.Equal("$.a1.tpp_min", e.Field);
        Assert.Contains("citation", e.Problem, StringComparison.Ordinal);
        Assert.Contains("rules/acr-2023/classification.json: $.a1.tpp_min:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongType_NamesFileFieldAndProblem()
    {
        using var rules = new ScratchRules();
        // aid-2025 holds only its own keys: b1.pd_min laid over acr-2023's b1 (per key), the wrong type named in its file.
        rules.Edit("aid-2025/classification.json", j => j["b1"] = JsonNode.Parse("""{ "pd_min": { "value": "1.6", "citation": "test", "confidence": "?" } }"""));

        var e = rules.LoadFails();

        Assert.Equal("rules/aid-2025/classification.json", e.File);
        Assert.Equal("$.b1.pd_min.value", e.Field);
        Assert.Contains("could not be converted", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownConfidenceTag_NamesFileFieldAndProblem()
    {
        using var rules = new ScratchRules();
        rules.Edit("acr-2023/classification.json", j => j["h100_tpp"]!["confidence"] = "X");

        var e = rules.LoadFails();

        Assert.Equal("$.h100_tpp.confidence", e.Field);
        Assert.Contains("unknown confidence tag 'X'", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownProperty_IsRejected()
    {
        using var rules = new ScratchRules();
        rules.Edit("acr-2023/classification.json", j => j["h100_tpp"]!["valeu"] = 1);

        var e = rules.LoadFails();

        Assert.StartsWith("$.h100_tpp", e.Field, StringComparison.Ordinal);
        Assert.Contains("valeu", e.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("h100_tpp", "$.h100_tpp.value", "must be > 0")]
    [InlineData("a1.tpp_min", "$.a1.tpp_min.value", "must be > 0")]
    [InlineData("b1.tpp_below", "$.b1.tpp_below.value", "must be above tpp_min")]
    [InlineData("hbm.bandwidth_density_above", "$.hbm.bandwidth_density_above.value", "must be > 0")]
    public void Load_NegativeThreshold_NamesFileFieldAndProblem(string property, string field, string problem)
    {
        using var rules = new ScratchRules();
        rules.Edit("acr-2023/classification.json", j =>
        {
            JsonNode node = j;
            foreach (var part in property.Split('.'))
            {
                node = node[part]!;
            }

            node["value"] = -1;
        });

        var e = rules.LoadFails();

        Assert.Equal("rules/acr-2023/classification.json", e.File);
        Assert.Contains(e.Problems, p => p.Field == field && p.Problem.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_InvertedPeriod_NamesFileFieldAndProblem()
    {
        using var rules = new ScratchRules();
        rules.Edit("aid-2025/ruleset.json", j => j["effective"]!["to"] = "2024-01-01");

        var e = rules.LoadFails();

        Assert.Equal("rules/aid-2025/ruleset.json", e.File);
        Assert.Equal("$.effective.to", e.Field);
        Assert.Contains("inverted", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadDate_NamesField()
    {
        using var rules = new ScratchRules();
        rules.Edit("aid-2025/ruleset.json", j => j["effective"]!["from"] = "13 Jan 2025");

        var e = rules.LoadFails();

        Assert.Equal("$.effective.from", e.Field);
    }

    [Fact]
    public void Load_UnknownInherits_NamesFileFieldAndProblem()
    {
        using var rules = new ScratchRules();
        rules.Edit("aid-2026/ruleset.json", j => j["inherits"] = "aid-2024");

        var e = rules.LoadFails();

        Assert.Equal("rules/aid-2026/ruleset.json", e.File);
        Assert.Equal("$.inherits", e.Field);
        Assert.Contains("unknown rule set 'aid-2024'", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InheritanceCycle_IsRejected()
    {
        using var rules = new ScratchRules();
        rules.Edit("acr-2023/ruleset.json", j => j["inherits"] = "acr-2026");

        var e = rules.LoadFails();

        Assert.Equal("$.inherits", e.Field);
        Assert.Contains("cycle", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateId_NamesFileFieldAndProblem()
    {
        using var rules = new ScratchRules();
        rules.Write("aid-2025-copy/ruleset.json", File.ReadAllText(Path.Combine(rules.Root, "aid-2025/ruleset.json")));

        var e = rules.LoadFails();

        Assert.Contains(e.Problems, p => p.File == "rules/aid-2025-copy/ruleset.json" && p.Field == "$.id"
            && p.Problem.Contains("duplicate rule set id 'aid-2025'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_OverlappingSetsOfOneKind_AreRejected()
    {
        using var rules = new ScratchRules();
        rules.Edit("acr-2026/ruleset.json", j => j["effective"]!["from"] = "2025-06-01");

        var e = rules.LoadFails();

        Assert.Equal("$.effective", e.Field);
        Assert.Contains("overlaps acr-2023", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadCountryCode_NamesIndex()
    {
        using var rules = new ScratchRules();
        rules.Edit("aid-2025/tiers.json", j => j["tiers"]!["tier1"]!["value"]![2] = "be");

        var e = rules.LoadFails();

        Assert.Equal("rules/aid-2025/tiers.json", e.File);
        Assert.Equal("$.tiers.tier1.value[2]", e.Field);
        Assert.Contains("'be' is not an assigned ISO 3166-1 alpha-2 code", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownCountryGroup_IsRejected()
    {
        using var rules = new ScratchRules();
        rules.Edit("acr-2023/tiers.json", j => j["nac_groups"]!["value"] = new JsonArray("D:5", "D:6"));

        var e = rules.LoadFails();

        Assert.Equal("$.nac_groups.value[1]", e.Field);
        Assert.Contains("unknown country group 'D:6'", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CountryGroupRowsOverlappingForOneCountry_AreRejected()
    {
        using var rules = new ScratchRules();
        rules.Edit("country-groups.json", j => j["groups"]!["D:5"]!["memberships"]!.AsArray().Add(
            JsonNode.Parse("""{ "countries": ["KH"], "from": "2026-01-01", "citation": "test", "confidence": "?" }""")));

        var e = rules.LoadFails();

        Assert.Equal("rules/country-groups.json", e.File);
        Assert.Equal("$.groups[\"D:5\"].memberships[3].countries", e.Field);
        Assert.Contains("'KH' is already a member", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CountryGroupRowInverted_IsRejected()
    {
        using var rules = new ScratchRules();
        rules.Edit("country-groups.json", j => j["groups"]!["A:5"]!["memberships"]![0]!["to"] = "2026-07-10");

        var e = rules.LoadFails();

        Assert.Equal("$.groups[\"A:5\"].memberships[0].to", e.Field);
    }

    [Fact]
    public void Load_Tier1CountryInATier3GroupWhileTheSetApplies_IsRejected()
    {
        using var rules = new ScratchRules();
        rules.Edit("country-groups.json", j => j["groups"]!["D:5"]!["memberships"]!.AsArray().Add(
            JsonNode.Parse("""{ "countries": ["JP"], "from": "2026-03-01", "to": "2026-04-01", "citation": "test", "confidence": "?" }""")));

        var e = rules.LoadFails();

        // aid-2026 inherits aid-2025's tiers.json; the clash is within aid-2026's period, so it is still found.
        Assert.Equal("rules/aid-2025/tiers.json", e.File);
        Assert.Contains("'JP' is in Tier 1 and in the Tier 3 group D:5 [2026-03-01, 2026-04-01), within aid-2026", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WithoutTheCountryGroupTable_NamesTheFile()
    {
        using var rules = new ScratchRules();
        File.Delete(Path.Combine(rules.Root, "country-groups.json"));

        var e = rules.LoadFails();

        Assert.Equal("rules/country-groups.json", e.File);
    }

    [Fact]
    public void Load_FileOfNoKnownFamily_IsNotRead()
    {
        using var rules = new ScratchRules();
        rules.Write("aid-2025/not-a-family-yet.json", "{ this is not even JSON");

        var registry = rules.Load();

        Assert.Equal(4, registry.All.Count);
    }

    [Fact]
    public void Load_MalformedJson_NamesFileAndLine()
    {
        using var rules = new ScratchRules();
        rules.Write("aid-2025/tiers.json", "{ \"nac_groups\": { ");

        var e = rules.LoadFails();

        Assert.Equal("rules/aid-2025/tiers.json", e.File);
        Assert.Contains("line", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FolderWithoutManifest_IsRejected()
    {
        using var rules = new ScratchRules();
        rules.Write("stray/tiers.json", "{}");

        var e = rules.LoadFails();

        Assert.Equal("rules/stray", e.File);
        Assert.Contains("ruleset.json", e.Problem, StringComparison.Ordinal);
    }

    [RuleFamily("unused-test-family")]
    internal sealed record UnusedFamily : IRuleFamily
    {
        public required Cited<decimal> SomeLimit { get; init; }

        public void Validate(RuleValidationContext context) => context.Positive(SomeLimit);
    }
}
