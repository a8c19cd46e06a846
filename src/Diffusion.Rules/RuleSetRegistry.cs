namespace Diffusion.Rules;

/// <summary>
/// Every loaded rule set, and which one applies to a request. Pure: the day is passed in, never read from a clock.
/// </summary>
public sealed class RuleSetRegistry
{
    private readonly Dictionary<string, RuleSet> _byId;

    internal RuleSetRegistry(IReadOnlyList<RuleSet> sets, RuleOptions options)
    {
        All = sets;
        Options = options;
        _byId = sets.ToDictionary(s => s.Id, StringComparer.Ordinal);
    }

    /// <summary>All rule sets, by effective date.</summary>
    public IReadOnlyList<RuleSet> All { get; }

    /// <summary>The operator options resolution follows.</summary>
    public RuleOptions Options { get; }

    /// <summary>The rule set with this id.</summary>
    /// <exception cref="RuleSetResolutionException">Unknown id (field "rule_set").</exception>
    public RuleSet Get(string id) => _byId.TryGetValue(id, out var set)
        ? set
        : throw new RuleSetResolutionException("rule_set",
            $"unknown rule set '{id}' (known: {string.Join(", ", _byId.Keys.Order(StringComparer.Ordinal))})");

    /// <summary>
    /// The rule set a request is evaluated under: <paramref name="ruleSetId"/> when given (whatever its period: a
    /// what-if), else the set in force on <paramref name="asOf"/>. When a set with the AI Diffusion framework and one
    /// without are both in force, the framework set applies while enforced (<see cref="RuleOptions.EnforceAiDiffusion2025"/>,
    /// or before its announced-rescission date); otherwise the set without it.
    /// </summary>
    /// <exception cref="RuleSetResolutionException">Unknown id ("rule_set"), or no set in force on the day ("as_of").</exception>
    public RuleSet Resolve(string? ruleSetId, DateOnly asOf)
    {
        if (!string.IsNullOrEmpty(ruleSetId))
        {
            return Get(ruleSetId);
        }

        var inForce = All.Where(s => s.Effective.Contains(asOf)).ToList();
        var framework = inForce.FirstOrDefault(s => s.Manifest.AiDiffusionFramework && IsEnforced(s, asOf));
        return framework
            ?? inForce.FirstOrDefault(s => !s.Manifest.AiDiffusionFramework)
            ?? throw new RuleSetResolutionException("as_of",
                $"no rule set in force on {asOf:yyyy-MM-dd} (sets: {string.Join(", ", All)})");
    }

    /// <summary>
    /// The enforcement posture a decision on <paramref name="asOf"/> under <paramref name="set"/> used, as a reason:
    /// whether the AI Diffusion framework is applied as written or BIS's non-enforcement is followed, and why this set.
    /// </summary>
    /// <param name="set">The set the decision was made under.</param>
    /// <param name="asOf">The decision's day.</param>
    /// <param name="named">Whether the request named the set (a what-if) rather than leaving it to the date.</param>
    public EnforcementPosture PostureOf(RuleSet set, DateOnly asOf, bool named)
    {
        ArgumentNullException.ThrowIfNull(set);
        var framework = set.Manifest.AiDiffusionFramework ? set : All.FirstOrDefault(s => s.Manifest.AiDiffusionFramework && s.Effective.Contains(asOf));
        var setting = $"Rules:EnforceAiDiffusion2025={(Options.EnforceAiDiffusion2025 ? "true" : "false")}";
        if (framework is null)
        {
            return new EnforcementPosture(EnforcementPosture.AsWritten, new Reason("RULESET.POSTURE",
                $"{set.Id} {(named ? "named by the request" : $"in force on {asOf:yyyy-MM-dd}")}: no AI Diffusion framework in force that day ({setting})",
                set.Manifest.Status.Citation, set.Manifest.Status.Confidence));
        }

        var status = framework.Manifest.Status;
        var since = framework.NonEnforcementFrom;
        var enforced = set.Manifest.AiDiffusionFramework;
        var standing = since is { } day && asOf >= day
            ? $"the framework is {Describe(status.Value)} since {day:yyyy-MM-dd}"
            : since is { } later ? $"the framework was enforced on that day (BIS announced non-enforcement on {later:yyyy-MM-dd})" : "the framework is in force";
        var why = named
            ? $"{set.Id} named by the request; the operator's setting ({setting}) would apply it {(IsEnforced(framework, asOf) ? "as written" : "as enforced")}"
            : enforced
                ? $"{set.Id} in force on {asOf:yyyy-MM-dd}: the AI Diffusion framework applied as written ({setting})"
                : $"{set.Id} in force on {asOf:yyyy-MM-dd}: BIS's non-enforcement of the AI Diffusion framework followed ({setting})";
        return new EnforcementPosture(
            enforced ? EnforcementPosture.AsWritten : EnforcementPosture.AsEnforced,
            new Reason("RULESET.POSTURE", $"{why}; {standing}", status.Citation, status.Confidence));
    }

    private static string Describe(string status) => status switch
    {
        RuleSetManifest.NotEnforced => "on the books, not enforced",
        RuleSetManifest.AnnouncedRescinded => "announced rescinded, not enforced",
        _ => status,
    };

    private bool IsEnforced(RuleSet set, DateOnly asOf) =>
        Options.EnforceAiDiffusion2025 || set.NonEnforcementFrom is not { } from || asOf < from;
}
