namespace Diffusion.Rules.Decisions;

/// <summary>A licence requirement one rule found for one item.</summary>
/// <param name="Source">What imposes it (a rule id), so a later rule can change its review policy.</param>
/// <param name="Outcome">LicenseRequired or PresumptionOfDenial.</param>
/// <param name="ReviewPolicy">How an application is reviewed.</param>
/// <param name="Draw">The allocation a licensed export draws.</param>
/// <param name="ExceptionsLift">Whether a licence exception or approved-consignee basis lifts it (not for Entity List affiliates or a hold).</param>
public sealed record Requirement(string Source, Outcome Outcome, string ReviewPolicy, DrawMechanism Draw, bool ExceptionsLift = true);

/// <summary>An authorisation (licence exception or VEU) one rule found available for one item.</summary>
/// <param name="Exception">"AIA", "NAC", "ACA", "HBM", "VEU" or "LPP".</param>
/// <param name="Draw">The allocation the export under it draws.</param>
/// <param name="NoLicenseBasis">When not a licence exception but "no licence required" because of who the consignee is (e.g. a UAE approved entity): that basis; else null.</param>
public sealed record Authorization(string Exception, DrawMechanism Draw, string? NoLicenseBasis = null);

/// <summary>A change of the review policy of requirements from one source (e.g. the 2026 China/Macau band).</summary>
/// <param name="Source">The requirement source whose policy changes.</param>
/// <param name="Outcome">The new outcome.</param>
/// <param name="ReviewPolicy">The new review policy.</param>
/// <param name="Draw">What a licensed export then draws; null: what the requirement drew.</param>
public sealed record PolicyChange(string Source, Outcome Outcome, string ReviewPolicy, DrawMechanism? Draw = null);

/// <summary>Collects what every rule found; rules only add, the evaluator decides.</summary>
public sealed class DecisionFindings
{
    private readonly List<Reason> reasons = [];
    private readonly Dictionary<int, List<Requirement>> requirements = [];
    private readonly Dictionary<int, List<Authorization>> authorizations = [];
    private readonly Dictionary<int, List<PolicyChange>> policyChanges = [];
    private readonly List<Reason> questions = [];
    private readonly Dictionary<int, GrantedLicence> licences = [];

    /// <summary>Every reason, in the order the rules found them.</summary>
    public IReadOnlyList<Reason> Reasons => reasons;

    /// <summary>The questions an order held for review must resolve.</summary>
    public IReadOnlyList<Reason> Questions => questions;

    /// <summary>Records a finding.</summary>
    public void Add(Reason reason) => reasons.Add(reason);

    /// <summary>Records a question to resolve before the order can be decided (also a reason).</summary>
    public void Ask(Reason question)
    {
        questions.Add(question);
        reasons.Add(question);
    }

    /// <summary>Records a licence requirement for an item, with the reason.</summary>
    public void Require(ClassifiedItem item, Requirement requirement, Reason reason)
    {
        Get(requirements, item.Index).Add(requirement);
        reasons.Add(reason);
    }

    /// <summary>Records an available authorisation for an item, with the reason.</summary>
    public void Authorize(ClassifiedItem item, Authorization authorization, Reason reason)
    {
        Get(authorizations, item.Index).Add(authorization);
        reasons.Add(reason);
    }

    /// <summary>Records a review-policy change for an item, with the reason.</summary>
    public void ChangePolicy(ClassifiedItem item, PolicyChange change, Reason reason)
    {
        Get(policyChanges, item.Index).Add(change);
        reasons.Add(reason);
    }

    /// <summary>
    /// Records the granted licence that covers an item where it needs a licence, with the reason (the first recorded
    /// for an item is kept).
    /// </summary>
    public void License(ClassifiedItem item, GrantedLicence licence, Reason reason)
    {
        licences.TryAdd(item.Index, licence);
        reasons.Add(reason);
    }

    /// <summary>The granted licence covering an item, or null.</summary>
    public GrantedLicence? LicenceFor(int index) => licences.GetValueOrDefault(index);

    /// <summary>The requirements found for an item.</summary>
    public IReadOnlyList<Requirement> RequirementsFor(int index) => requirements.GetValueOrDefault(index) ?? [];

    /// <summary>The authorisations found for an item.</summary>
    public IReadOnlyList<Authorization> AuthorizationsFor(int index) => authorizations.GetValueOrDefault(index) ?? [];

    /// <summary>The policy changes found for an item.</summary>
    public IReadOnlyList<PolicyChange> PolicyChangesFor(int index) => policyChanges.GetValueOrDefault(index) ?? [];

    private static List<T> Get<T>(Dictionary<int, List<T>> map, int index)
    {
        if (!map.TryGetValue(index, out var list))
        {
            list = [];
            map[index] = list;
        }

        return list;
    }
}

/// <summary>
/// One rule of the decision, in the YARP style: small, sealed, one per file. Its id names its entry in the rule data
/// (<c>decisions.json</c>, <c>rule_citations</c>), which cites the paragraph it implements.
/// A rule only adds findings; it never stops the others (the decision explains itself fully).
/// </summary>
public interface IDecisionRule
{
    /// <summary>
    /// The rule's id, e.g. "license_exception_aia": its key in <see cref="DecisionRules.RuleCitations"/> and the
    /// source of the requirements it records.
    /// </summary>
    string Id { get; }

    /// <summary>The <see cref="DecisionRules.RuleCitations"/> entries the rule quotes: its own, and any more it needs.</summary>
    IReadOnlyList<string> CitationKeys => [Id];

    /// <summary>Adds what this rule finds about the order.</summary>
    void Evaluate(DecisionContext context, DecisionFindings findings);
}
