using System.Text.Json.Nodes;
using Diffusion.Rules;
using Diffusion.Rules.Decisions;
using Diffusion.Testing.Rules;
using static Diffusion.Decisions.Tests.Domain.Orders;

namespace Diffusion.Decisions.Tests.Domain;

/// <summary>
/// Each decision rule's citation lives in <c>rules/&lt;set&gt;/decisions.json</c> (<c>rule_citations</c>): every rule has
/// one, a rule without one stops loading, and the reasons a rule gives on its own authority carry exactly the loaded
/// citation and confidence.
/// </summary>
public sealed class RuleCitationsTests
{
    private static readonly string[] RuleSets = ["acr-2023", "aid-2025", "acr-2026", "aid-2026"];

    /// <summary>Orders whose decision holds a reason a rule gives on its own authority: (rule set, order, reason code, citation key).</summary>
    public static TheoryData<string, string, string> Scenarios => new()
    {
        { "aid-2025", "outside-3a090", "ITEM.OUTSIDE_3A090" },
        { "aid-2025", "tier1", "AIA.TIER1" },
        { "aid-2025", "tier1-not-listed", "AIA.NOT_ELIGIBLE" },
        { "aid-2025", "tier2", "LPP.AVAILABLE" },
        { "aid-2025", "tier2-lpp-used", "LPP.ANNUAL_CAP" },
        { "aid-2025", "gaming-gpu-cn", "NAC.NOT_FOR_DATACENTER" },
        { "aid-2025", "gaming-gpu-ae", "ACA.NOT_FOR_DATACENTER" },
        { "aid-2025", "hbm-cn", "HBM.EXCEPTION" },
        { "aid-2025", "hbm-cn-not-listed", "HBM.NOT_ELIGIBLE" },
        { "aid-2025", "hbm-fr", "HBM.OUTSIDE_TIER3" },
        { "aid-2025", "uveu", "VEU.UVEU" },
        { "aid-2025", "nveu-inactive", "VEU.NOT_APPLICABLE" },
        { "aid-2025", "weights-controlled", "4E091.CONTROLLED" },
        { "aid-2025", "weights-uncontrolled", "4E091.NOT_CONTROLLED" },
        { "acr-2023", "tier1", "DESTINATION.NO_LICENCE" },
        { "aid-2026", "weights-controlled", "4E091.CONTROLLED" },
        { "acr-2026", "hbm-fr", "HBM.OUTSIDE_TIER3" },
    };

    // Which entry of rule_citations each reason code quotes.
    private static readonly Dictionary<string, string> KeyOf = new(StringComparer.Ordinal)
    {
        ["ITEM.OUTSIDE_3A090"] = "outside_controlled_entries",
        ["AIA.TIER1"] = "license_exception_aia",
        ["AIA.NOT_ELIGIBLE"] = "license_exception_aia",
        ["LPP.AVAILABLE"] = "license_exception_lpp",
        ["LPP.ANNUAL_CAP"] = "license_exception_lpp",
        ["NAC.NOT_FOR_DATACENTER"] = "license_exceptions_nac_aca",
        ["ACA.NOT_FOR_DATACENTER"] = "license_exceptions_nac_aca",
        ["HBM.EXCEPTION"] = "license_exception_hbm",
        ["HBM.NOT_ELIGIBLE"] = "license_exception_hbm",
        ["HBM.OUTSIDE_TIER3"] = "hbm_destinations",
        ["VEU.UVEU"] = "validated_end_users",
        ["VEU.NOT_APPLICABLE"] = "validated_end_users",
        ["4E091.CONTROLLED"] = "model_weights",
        ["4E091.NOT_CONTROLLED"] = "model_weights",
        ["DESTINATION.NO_LICENCE"] = "licence_destination",
    };

    [Theory]
    [MemberData(nameof(RuleSetIds))]
    public void EveryRuleSet_CitesEveryDecisionRule(string ruleSet)
    {
        var citations = Orders.RuleSet(ruleSet).Get<DecisionRules>().RuleCitations;

        foreach (var key in DecisionEvaluator.AllRules.SelectMany(r => r.CitationKeys))
        {
            Assert.True(citations.ContainsKey(key), $"{ruleSet}: no rule_citations.{key}");
            Assert.False(string.IsNullOrWhiteSpace(citations[key].Citation));
        }
    }

    public static TheoryData<string> RuleSetIds => new(RuleSets);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Decision_CarriesTheLoadedCitation(string ruleSet, string order, string code)
    {
        var cited = Orders.RuleSet(ruleSet).Get<DecisionRules>().RuleCitations[KeyOf[code]];

        var decision = Decide(Build(order, ruleSet, registry: null));

        var reason = Assert.Single(decision.Reasons, r => r.Code == code);
        Assert.Equal(cited.Citation, reason.Citation);
        Assert.Equal(cited.Confidence, reason.Confidence);
    }

    // The same orders over a copy of the rule data whose rule citations all say something else: the decisions follow
    // the data, so no citation is left in code.
    [Fact]
    public void Decision_FollowsTheCitationsInTheData()
    {
        using var copy = new ScratchRules();
        foreach (var set in RuleSets)
        {
            copy.Edit(Path.Combine(set, "decisions.json"), json =>
            {
                foreach (var (key, entry) in json["rule_citations"]!.AsObject())
                {
                    entry!["citation"] = $"edited {set} {key}";
                    entry["confidence"] = "?";
                }
            });
        }

        var registry = copy.Load();

        foreach (var row in Scenarios)
        {
            var (ruleSet, order, code) = ((string)row[0], (string)row[1], (string)row[2]);
            var decision = Decide(Build(order, ruleSet, registry));

            var reason = Assert.Single(decision.Reasons, r => r.Code == code);
            Assert.Equal($"edited {ruleSet} {KeyOf[code]}", reason.Citation);
            Assert.Equal(Confidence.Unverified, reason.Confidence);
        }
    }

    [Fact]
    public void Load_RuleWithoutCitation_NamesFileEntryAndRule()
    {
        var e = LoadEdited(json => json["rule_citations"]!.AsObject().Remove("license_exception_aia"));

        Assert.Contains("rules/x/decisions.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("$.rule_citations.license_exception_aia", e.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Diffusion.Rules.Decisions.Rules.ArtificialIntelligenceAuthorizationRule), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CitationOfNoRule_IsRefused()
    {
        var e = LoadEdited(json =>
        {
            var citations = json["rule_citations"]!.AsObject();
            var entry = citations["license_exception_lpp"]!.DeepClone();
            citations.Remove("license_exception_lpp");
            citations["licence_exception_lpp"] = entry;
        });

        Assert.Contains("$.rule_citations.licence_exception_lpp", e.Message, StringComparison.Ordinal);
        Assert.Contains("names no decision rule", e.Message, StringComparison.Ordinal);
        Assert.Contains("$.rule_citations.license_exception_lpp", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BlankCitation_IsRefused()
    {
        var e = LoadEdited(json => json["rule_citations"]!["model_weights"]!["citation"] = " ");

        Assert.Contains("$.rule_citations.model_weights.citation", e.Message, StringComparison.Ordinal);
    }

    private static RuleLoadException LoadEdited(Action<JsonNode> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(RulesDirectory.Locate(), "aid-2026", "decisions.json")))!;
        edit(json);
        var path = Path.Combine(Path.GetTempPath(), $"decisions-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json.ToJsonString());
        try
        {
            return Assert.Throws<RuleLoadException>(() => RuleJson.Read(path, "rules/x/decisions.json", typeof(DecisionRules)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static DecisionContext Build(string order, string ruleSet, RuleSetRegistry? registry)
    {
        DecisionContext On(string destination, IReadOnlyList<ClassifiedItem> items, VeuFinding? veu = null, AllocationState? allocations = null) =>
            Order(destination, items, ruleSet, asOf: ruleSet.EndsWith("2026", StringComparison.Ordinal) ? "2026-03-01" : "2025-03-01",
                veu: veu, allocations: allocations, registry: registry);
        var gamingGpu = Chip("GeForce RTX 4090", "3A090.a", "3A090.a.1", 5285, 5, datacenter: false);
        return order switch
        {
            "outside-3a090" => On("FR", [Chip("GeForce RTX 4090D", "", "", 4707, 5, datacenter: false)]),
            "tier1" => On("FR", [H100(10)]),
            "tier1-not-listed" => On("FR", [Chip("odd", "3A090.a", "3A090.a.1", 15832, 1, exceptions: [])]),
            "tier2" => On("AE", [H100(10)]),
            "tier2-lpp-used" => On("AE", [H100(10)], allocations: new AllocationState(LppExhausted: true)),
            "gaming-gpu-cn" => On("CN", [gamingGpu]),
            "gaming-gpu-ae" => On("AE", [gamingGpu]),
            "hbm-cn" => On("CN", [Hbm(eligible: true)]),
            "hbm-cn-not-listed" => On("CN", [Hbm(eligible: false)]),
            "hbm-fr" => On("FR", [Hbm(eligible: true)]),
            "uveu" => On("IN", [H100(10)], veu: new VeuFinding("hyperscaler", VeuKind.Universal, true, true, true, [])),
            "nveu-inactive" => On("IN", [H100(10)], veu: new VeuFinding("dc-in-1", VeuKind.National, false, true, true, [])),
            "weights-controlled" => On("AE", [Weights(new ModelWeightsFinding(true, "4E091", true, "", "case-by-case", []))]),
            "weights-uncontrolled" => On("AE", [Weights(new ModelWeightsFinding(false, "", false, "", "", []))]),
            _ => throw new ArgumentOutOfRangeException(nameof(order), order, null),
        };
    }
}
