using System.Text.Json;
using Diffusion.Rules.Decisions;

namespace Diffusion.Decisions.Tests.Domain;

/// <summary>Builds decision contexts from the shipped rule data, with tiers as the rule sets define them.</summary>
internal static class Orders
{
    private static readonly Dictionary<string, DecisionRules> Cache = [];

    public static readonly IReadOnlySet<string> Tier1 = new HashSet<string>(
        ["US", "AU", "BE", "CA", "DK", "FI", "FR", "DE", "IE", "IT", "JP", "NL", "NZ", "NO", "KR", "ES", "SE", "TW", "GB"]);

    public static readonly IReadOnlySet<string> Tier3 = new HashSet<string>(
        ["MO", "AF", "BY", "MM", "CF", "CN", "CD", "CU", "ER", "HT", "IR", "IQ", "KP", "LB", "LY", "NI", "RU", "SO", "SS", "SD", "SY", "VE", "ZW"]);

    public static int TierOf(string country) => country.Length == 0 ? 0 : Tier1.Contains(country) ? 1 : Tier3.Contains(country) ? 3 : 2;

    public static DecisionRules RulesOf(string ruleSet)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(ruleSet, out var rules))
            {
                var path = Path.Combine(RulesDirectory(), ruleSet, "decisions.json");
                rules = JsonSerializer.Deserialize<DecisionRules>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
                Cache[ruleSet] = rules;
            }

            return rules;
        }
    }

    public static string RulesDirectory()
    {
        var env = Environment.GetEnvironmentVariable("DIFFUSION_RULES_DIR");
        if (!string.IsNullOrEmpty(env))
        {
            return env;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "rules");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("no rules/ above " + AppContext.BaseDirectory);
    }

    public static ClassifiedItem H100(uint quantity = 1, int index = 0) => Chip("NVIDIA H100 SXM", "3A090.a", "3A090.a.1", 15832, quantity, index, dram: 3350);

    public static ClassifiedItem H200(uint quantity = 1, int index = 0) => Chip("NVIDIA H200 SXM", "3A090.a", "3A090.a.1", 15832, quantity, index, dram: 4800);

    public static ClassifiedItem B200(uint quantity = 1, int index = 0) => Chip("NVIDIA B200", "3A090.a", "3A090.a.1", 36000, quantity, index, dram: 8000);

    public static ClassifiedItem Chip(string name, string eccn, string paragraph, double tpp, uint quantity, int index = 0, bool datacenter = true, double dram = 0, string[]? exceptions = null) =>
        new(index, name, ItemKind.Chip, eccn, paragraph, tpp, quantity, datacenter,
            new HashSet<string>(exceptions ?? (eccn.Length == 0 ? [] : datacenter ? ["LPP", "AIA"] : ["NAC", "ACA", "LPP", "AIA"])),
            MaxChipTpp: tpp, MaxChipDramBandwidthGbPerS: dram);

    public static ClassifiedItem Hbm(bool eligible, int index = 0) =>
        new(index, "HBM3E stack", ItemKind.Memory, "3A090.c", "3A090.c", 0, 8, false, new HashSet<string>(eligible ? ["HBM"] : []));

    public static ClassifiedItem Weights(ModelWeightsFinding finding, int index = 0) =>
        new(index, "frontier-model", ItemKind.ModelWeights, finding.Eccn, finding.Eccn, 0, 1, false, new HashSet<string>(), ModelWeights: finding);

    public static DecisionContext Order(
        string destination,
        IReadOnlyList<ClassifiedItem> items,
        string ruleSet = "aid-2025",
        string headquarters = "",
        string parent = "",
        string asOf = "2025-03-01",
        string origin = "US",
        VeuFinding? veu = null,
        AllocationState? allocations = null) =>
        new(
            ruleSet,
            DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture),
            destination,
            TierOf(destination),
            origin,
            new ConsigneeProfile("acme", headquarters, TierOf(headquarters), parent, TierOf(parent)),
            veu,
            items,
            allocations ?? AllocationState.Unknown,
            RulesOf(ruleSet));

    public static Decision Decide(DecisionContext context) => DecisionEvaluator.Default.Evaluate(context);
}
