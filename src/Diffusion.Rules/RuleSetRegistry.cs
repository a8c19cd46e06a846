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

    private bool IsEnforced(RuleSet set, DateOnly asOf) =>
        Options.EnforceAiDiffusion2025 || set.NonEnforcementFrom is not { } from || asOf < from;
}
