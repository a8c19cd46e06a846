using Diffusion.Rules;
using Diffusion.Rules.Decisions;

namespace Diffusion.Decisions.Tests.Domain;

/// <summary>Builds decision contexts from the shipped rule data, with tiers as the rule sets define them.</summary>
internal static class Orders
{
    private static readonly Lazy<RuleSetRegistry> Registry = new(() => RuleSetLoader.Load(RulesDirectory.Locate()));

    public static RuleSet RuleSet(string id) => Registry.Value.Get(id);

    public static ClassifiedItem H100(uint quantity = 1, int index = 0) => Chip("NVIDIA H100 SXM", "3A090.a", "3A090.a.1", 15832, quantity, index, dram: 3350);

    public static ClassifiedItem H200(uint quantity = 1, int index = 0) => Chip("NVIDIA H200 SXM", "3A090.a", "3A090.a.1", 15832, quantity, index, dram: 4800);

    public static ClassifiedItem B200(uint quantity = 1, int index = 0) => Chip("NVIDIA B200", "3A090.a", "3A090.a.1", 36000, quantity, index, dram: 8000);

    public static ClassifiedItem Chip(string name, string eccn, string paragraph, double tpp, uint quantity, int index = 0, bool datacenter = true, double dram = 0, string[]? exceptions = null) =>
        new(index, name, ItemKind.Chip, eccn, paragraph, tpp, quantity, datacenter,
            new HashSet<string>(exceptions ?? (eccn.Length == 0 ? [] : datacenter ? ["LPP", "AIA"] : ["NAC", "ACA", "LPP", "AIA"])),
            MaxChipTpp: tpp, MaxChipDramBandwidthGbPerS: dram, H100EquivalentsEach: tpp / 15832.0);

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
        AllocationState? allocations = null,
        ConsigneeIdentity? identity = null,
        RuleSetRegistry? registry = null,
        string exporter = "") =>
        DecisionContextFactory.Create(
            registry?.Get(ruleSet) ?? RuleSet(ruleSet),
            DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture),
            new OrderParties(destination, origin, "acme", headquarters, parent, identity, exporter),
            veu,
            items) with { Allocations = allocations ?? AllocationState.Unknown };

    public static Decision Decide(DecisionContext context) => DecisionEvaluator.Default.Evaluate(context);
}
