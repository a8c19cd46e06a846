using Diffusion.Rules.Classification;

namespace Diffusion.Rules.Tests.Classification;

public sealed class ChipCatalogTests
{
    private static readonly ChipCatalog Catalog = ChipCatalog.Load(TestRules.Directory);

    public static TheoryData<string> ChipNames => [.. Catalog.Chips.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(ChipNames))]
    public void EveryReferenceChip_GetsItsExpectedEccn_UnderEveryRuleSet(string name)
    {
        var chip = Catalog.Find(name)!;

        foreach (var set in TestRules.Registry.All)
        {
            var result = ClassificationEvaluator.Classify(chip.ToSpec(), set.Get<ClassificationRules>());
            Assert.Equal(chip.Expected.Value, result.Eccn);
        }
    }

    [Theory]
    [InlineData("NVIDIA H100 SXM", 15832, 19.45)]
    [InlineData("NVIDIA H200 SXM", 15832, 19.45)]
    [InlineData("NVIDIA A100", 4992, 6.04)]
    [InlineData("NVIDIA H20", 2368, 2.91)]
    [InlineData("NVIDIA B200", 36000, 22.11)]
    public void ReferenceChips_TppAndPdAsInTheFactSheet(string name, double tpp, double pd)
    {
        var result = Chips.Classify(Catalog.Find(name)!.ToSpec());

        Assert.Equal((decimal)tpp, result.Tpp);
        Assert.Equal((decimal)pd, decimal.Round(result.PerformanceDensity!.Value, 2));
    }

    [Theory]
    [InlineData("AMD Instinct MI300X", 20919.2)]
    [InlineData("NVIDIA GeForce RTX 4090", 5284.8)]
    [InlineData("NVIDIA GeForce RTX 4090D", 4707)]
    public void ReferenceChips_WithoutArea_Tpp(string name, double tpp)
    {
        Assert.Equal((decimal)tpp, Chips.Classify(Catalog.Find(name)!.ToSpec()).Tpp);
    }

    [Fact]
    public void Rtx4090_NotForDatacenter_IsNacAcaEligible()
    {
        var result = ClassificationEvaluator.Classify(Catalog.Find("RTX 4090")!.ToSpec(), Chips.Acr2023);

        Assert.Equal("3A090.a", result.Eccn);
        Assert.Equal(["NAC", "ACA"], result.LicenseExceptions);
    }

    [Theory]
    [InlineData("nvidia h100 sxm")]
    [InlineData("H100")]
    [InlineData("  h100  ")]
    [InlineData("NVIDIA H100")]
    public void Find_IsCaseInsensitiveAndKnowsAliases(string name)
    {
        Assert.Equal("NVIDIA H100 SXM", Catalog.Find(name)?.Name);
    }

    [Fact]
    public void Find_Unknown_IsNull()
    {
        Assert.Null(Catalog.Find("NVIDIA H300"));
    }

    [Fact]
    public void Load_DuplicateAlias_NamesTheChip()
    {
        using var rules = new ScratchRules();
        rules.Edit("chips.json", j => j["chips"]![1]!["aliases"]!.AsArray().Add("h100"));

        var e = Assert.Throws<RuleLoadException>(() => ChipCatalog.Load(rules.Root));

        Assert.Equal("rules/chips.json", e.File);
        Assert.Equal("$.chips[1]", e.Field);
        Assert.Contains("'h100'", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NegativeRate_NamesTheField()
    {
        using var rules = new ScratchRules();
        rules.Edit("chips.json", j => j["chips"]![0]!["rates"]![1]!["dense_tops"]!["value"] = -5);

        var e = Assert.Throws<RuleLoadException>(() => ChipCatalog.Load(rules.Root));

        Assert.Equal("$.chips[0].rates[1].dense_tops.value", e.Field);
    }
}
