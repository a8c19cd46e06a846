using Diffusion.Rules.Tiers;

namespace Diffusion.Rules;

/// <summary>
/// Loads a rules directory: every sub-folder is one rule set (<c>ruleset.json</c> plus one file per rule family),
/// all validated; a set inherits its parent's families per key (<see cref="RuleJsonMerge"/>): a family file absent
/// from a set is inherited whole, one present holds only what the set changes. Files whose name is
/// no known family are not read (a family's data may land before its record type).
/// </summary>
public static class RuleSetLoader
{
    /// <summary>The manifest file of each rule set folder.</summary>
    public const string ManifestFile = "ruleset.json";

    /// <summary>Loads and validates every rule set under <paramref name="directory"/>.</summary>
    /// <param name="directory">The rules directory (see <see cref="RulesDirectory.Locate"/>).</param>
    /// <param name="options">Operator options for resolution; default <see cref="RuleOptions"/>.</param>
    /// <param name="families">The families to read; default <see cref="RuleFamilyCatalog.Default"/>.</param>
    /// <exception cref="RuleLoadException">A file is missing, malformed or invalid: the message names file, field and problem.</exception>
    public static RuleSetRegistry Load(string directory, RuleOptions? options = null, RuleFamilyCatalog? families = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        families ??= RuleFamilyCatalog.Default;
        var root = Path.GetFullPath(directory);
        var prefix = Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar));
        string Display(string path) => Path.Combine(prefix, Path.GetRelativePath(root, path)).Replace('\\', '/');

        if (!Directory.Exists(root))
        {
            throw new RuleLoadException([new RuleProblem(prefix, "$", $"the rules directory '{root}' does not exist")]);
        }

        var manifests = ReadManifests(root, Display);
        var ordered = OrderByInheritance(manifests);

        var needsGroups = families.Families.Values.Contains(typeof(TierRules))
            && ordered.Any(s => File.Exists(Path.Combine(s.Folder, families.NameOf(typeof(TierRules)) + ".json")));
        var groups = needsGroups ? CountryGroupTable.Load(root) : null;
        var shared = new SharedRuleData(
            groups,
            Decisions.ApprovedConsigneeList.Load(root),
            Decisions.AffiliatesRuleData.Load(root, (options ?? new RuleOptions()).AffiliatesRuleAfterStay),
            Classification.Foundry.FoundryPresumptionData.Load(root));
        var loaded = new Dictionary<string, RuleSet>(StringComparer.Ordinal);
        foreach (var (manifest, folder) in ordered)
        {
            var parent = manifest.Inherits is { } p ? loaded[p] : null;
            loaded[manifest.Id] = LoadSet(manifest, folder, parent, families, shared, Display);
        }

        if (groups is not null)
        {
            CheckGroupReferences(loaded.Values, groups);
        }

        return new RuleSetRegistry(loaded.Values.OrderBy(s => s.Effective.From).ThenBy(s => s.Id, StringComparer.Ordinal).ToList(),
            options ?? new RuleOptions());
    }

    private static List<(RuleSetManifest Manifest, string Folder, string File)> ReadManifests(string root, Func<string, string> display)
    {
        var problems = new List<RuleProblem>();
        var manifests = new List<(RuleSetManifest Manifest, string Folder, string File)>();
        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(folder, ManifestFile);
            if (!File.Exists(file))
            {
                problems.Add(new RuleProblem(display(folder), "$", $"a rule set folder must contain {ManifestFile}"));
                continue;
            }

            var manifest = RuleJson.Read<RuleSetManifest>(file, display(file));
            var context = new RuleValidationContext(display(file));
            manifest.Validate(context);
            var duplicate = manifests.FirstOrDefault(m => m.Manifest.Id == manifest.Id);
            context.Require(duplicate.Manifest is null, "$.id",
                $"duplicate rule set id '{manifest.Id}' (also in {duplicate.File})");
            context.Require(duplicate.Manifest is not null || manifest.Id == Path.GetFileName(folder), "$.id",
                $"id '{manifest.Id}' must equal its folder name '{Path.GetFileName(folder)}'");
            problems.AddRange(context.Problems);
            manifests.Add((manifest, folder, display(file)));
        }

        if (manifests.Count == 0 && problems.Count == 0)
        {
            problems.Add(new RuleProblem(display(root), "$", $"no rule set found (expected <id>/{ManifestFile} folders)"));
        }

        var ids = manifests.Select(m => m.Manifest.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (manifest, _, file) in manifests)
        {
            if (manifest.Inherits is { } inherits && !ids.Contains(inherits))
            {
                problems.Add(new RuleProblem(file, "$.inherits",
                    $"unknown rule set '{inherits}' (known: {string.Join(", ", ids.Order(StringComparer.Ordinal))})"));
            }
        }

        // Resolution needs at most one set of each kind (with / without the framework) in force on any day.
        for (var i = 0; i < manifests.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var (a, b) = (manifests[j].Manifest, manifests[i].Manifest);
                if (a.AiDiffusionFramework == b.AiDiffusionFramework && a.Effective.Overlaps(b.Effective) && a.Id != b.Id)
                {
                    problems.Add(new RuleProblem(manifests[i].File, "$.effective",
                        $"period {b.Effective} overlaps {a.Id} {a.Effective}; sets of the same kind " +
                        $"(ai_diffusion_framework: {(a.AiDiffusionFramework ? "true" : "false")}) must not overlap"));
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new RuleLoadException(problems);
        }

        return manifests;
    }

    private static List<(RuleSetManifest Manifest, string Folder)> OrderByInheritance(
        List<(RuleSetManifest Manifest, string Folder, string File)> manifests)
    {
        var byId = manifests.ToDictionary(m => m.Manifest.Id, StringComparer.Ordinal);
        var ordered = new List<(RuleSetManifest, string)>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in manifests)
        {
            var chain = new List<(RuleSetManifest Manifest, string Folder, string File)>();
            for (var current = start; !done.Contains(current.Manifest.Id);)
            {
                if (chain.Any(c => c.Manifest.Id == current.Manifest.Id))
                {
                    throw new RuleLoadException([new RuleProblem(start.File, "$.inherits",
                        $"inheritance cycle: {string.Join(" -> ", chain.Select(c => c.Manifest.Id))} -> {current.Manifest.Id}")]);
                }

                chain.Add(current);
                if (current.Manifest.Inherits is not { } parent)
                {
                    break;
                }

                current = byId[parent];
            }

            for (var k = chain.Count - 1; k >= 0; k--)
            {
                if (done.Add(chain[k].Manifest.Id))
                {
                    ordered.Add((chain[k].Manifest, chain[k].Folder));
                }
            }
        }

        return ordered;
    }

    // tiers.json names groups the shared table must define, and no Tier 1 country may sit in a Tier 3 group on a day
    // the set applies.
    private static void CheckGroupReferences(IEnumerable<RuleSet> sets, CountryGroupTable groups)
    {
        var problems = new List<RuleProblem>();
        foreach (var set in sets)
        {
            if (!set.TryGet<TierRules>(out var tiers) || set.SourceFileOf<TierRules>() is not { } file)
            {
                continue;
            }

            // Group names once, where they are written; the Tier 1 / Tier 3 clash for every set that applies the tiers
            // (an inherited tiers.json meets the inheriting set's own period).
            var own = file.Contains("/" + set.Id + "/", StringComparison.Ordinal);
            foreach (var (group, field) in tiers.GroupReferences().Where(r => own && !groups.Has(r.Group)))
            {
                problems.Add(new RuleProblem(file, field,
                    $"unknown country group '{group}' (defined in {CountryGroupTable.FileName}: {string.Join(", ", groups.Groups.Keys)})"));
            }

            var tier1 = tiers.Tiers?.Tier1.Value ?? [];
            for (var i = 0; i < tier1.Count; i++)
            {
                var clash = tiers.Tiers!.Tier3Groups.Value.Where(groups.Has)
                    .SelectMany(g => groups.History(g).Memberships.Select(m => (Group: g, Row: m)))
                    .FirstOrDefault(x => x.Row.Countries.Contains(tier1[i], StringComparer.Ordinal) && Overlaps(x.Row, set.Effective));
                if (clash.Row is not null)
                {
                    problems.Add(new RuleProblem(file, $"$.tiers.tier1.value[{i}]",
                        $"'{tier1[i]}' is in Tier 1 and in the Tier 3 group {clash.Group} {clash.Row.Period}, within {set.Id} {set.Effective}"));
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new RuleLoadException(problems);
        }
    }

    private static bool Overlaps(GroupMembership row, EffectivePeriod period) =>
        (row.From is null || period.To is null || row.From < period.To) && (row.To is null || period.From < row.To);

    private static RuleSet LoadSet(
        RuleSetManifest manifest, string folder, RuleSet? parent, RuleFamilyCatalog families, SharedRuleData shared, Func<string, string> display)
    {
        var loaded = new Dictionary<Type, RuleSet.LoadedFamily>();
        foreach (var (name, type) in families.Families)
        {
            var file = Path.Combine(folder, name + ".json");
            if (File.Exists(file))
            {
                var own = RuleJson.ReadObject(file, display(file));
                if (parent?.TryGetLoaded(type) is { } over)
                {
                    // Per key: the set's file over the family it inherits (errors name the set's file).
                    var merged = RuleJsonMerge.Merge(over.Json, own);
                    loaded[type] = new RuleSet.LoadedFamily(name, RuleJson.Read(merged, display(file), type), display(file), merged, [.. over.Files, display(file)]);
                }
                else
                {
                    loaded[type] = new RuleSet.LoadedFamily(name, RuleJson.Read(file, display(file), type), display(file), own, [display(file)]);
                }
            }
            else if (parent is not null && parent.TryGetLoaded(type) is { } inherited)
            {
                loaded[type] = inherited;
            }
        }

        return new RuleSet(manifest, parent, loaded, shared);
    }
}
