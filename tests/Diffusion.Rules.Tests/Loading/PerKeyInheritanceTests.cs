using System.Text.Json.Nodes;
using Diffusion.Rules.Classification;

namespace Diffusion.Rules.Tests.Loading;

/// <summary>Rule sets inherit per key (issue 14): a set's family file holds only what it changes.</summary>
public sealed class PerKeyInheritanceTests
{
    [Fact]
    public void Aid2025Classification_HoldsOnlyItsLicenceExceptions_TheRestIsAcr2023s()
    {
        var acr = TestRules.Registry.Get("acr-2023").Get<ClassificationRules>();
        var aid = TestRules.Registry.Get("aid-2025").Get<ClassificationRules>();
        var own = JsonNode.Parse(File.ReadAllText(Path.Combine(TestRules.Directory, "aid-2025", "classification.json")),
            documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();

        Assert.Equal(["license_exceptions"], own.Select(p => p.Key));
        Assert.Equal(acr.A1.TppMin, aid.A1.TppMin);
        Assert.Equal(acr.H100Tpp, aid.H100Tpp);
        Assert.Equal(acr.Hbm.LicenseExceptions.Value, aid.Hbm.LicenseExceptions.Value);
        Assert.Equal(acr.Hbm.LicenseExceptions.Citation, aid.Hbm.LicenseExceptions.Citation);
        Assert.Contains("LPP", aid.LicenseExceptions["3A090.a"].Value);
        Assert.DoesNotContain("LPP", acr.LicenseExceptions["3A090.a"].Value);
    }

    [Fact]
    public void EffectiveFamilies_NameEveryFileMerged_FurthestAncestorFirst()
    {
        var classification = Assert.Single(TestRules.Registry.Get("aid-2026").EffectiveFamilies, f => f.Name == "classification");

        Assert.Equal(["rules/acr-2023/classification.json", "rules/aid-2025/classification.json"], classification.Files);
        var json = JsonNode.Parse(classification.Json)!;
        Assert.Equal(4800m, json["a1"]!["tpp_min"]!["value"]!.GetValue<decimal>());
        Assert.Equal("AIA", json["license_exceptions"]!["3A090.a"]!["value"]![3]!.GetValue<string>());
    }

    [Fact]
    public void Merge_ObjectsPerKey_CitedValuesAndArraysWhole_NullRemoves()
    {
        var parent = JsonNode.Parse("""
            { "a": { "x": { "value": 1, "citation": "p", "confidence": "R", "note": "parent's" }, "y": { "value": 2, "citation": "p", "confidence": "R" } },
              "list": [1, 2, 3], "gone": { "value": 0, "citation": "p", "confidence": "R" } }
            """)!.AsObject();
        var child = JsonNode.Parse("""
            { "a": { "x": { "value": 10, "citation": "c", "confidence": "S" } }, "list": [9], "gone": null }
            """)!.AsObject();

        var merged = RuleJsonMerge.Merge(parent, child);

        Assert.Equal(10, merged["a"]!["x"]!["value"]!.GetValue<int>());
        Assert.Null(merged["a"]!["x"]!["note"]);                  // a cited value is replaced whole: no stray parent note
        Assert.Equal(2, merged["a"]!["y"]!["value"]!.GetValue<int>());
        Assert.Equal([9], merged["list"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.False(merged.ContainsKey("gone"));
        Assert.Equal(1, parent["a"]!["x"]!["value"]!.GetValue<int>());   // inputs unchanged
    }
}
