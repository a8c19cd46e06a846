namespace Diffusion.Rules;

/// <summary>
/// Marks a record as a rule family: the typed contents of one file <c>rules/&lt;rule-set-id&gt;/&lt;name&gt;.json</c>.
/// </summary>
/// <remarks>
/// How a family plugs into the core (no edit of the core needed): put a record in
/// <c>src/Diffusion.Rules/&lt;Family&gt;/</c>, mark it, implement <see cref="IRuleFamily"/>, add the JSON file to the
/// rule sets that define it (the others inherit it through <c>inherits</c>), and read it with
/// <see cref="RuleSet.Get{T}"/>:
/// <code>
/// [RuleFamily("model-weights")]                       // file: rules/aid-2025/model-weights.json
/// public sealed record ModelWeightsRules : IRuleFamily
/// {
///     public required Cited&lt;decimal&gt; ControlledTrainingOperations { get; init; }   // JSON: "controlled_training_operations"
///
///     public void Validate(RuleValidationContext context) =&gt;
///         context.Positive(ControlledTrainingOperations);                              // reports $.controlled_training_operations.value
/// }
///
/// var rules = registry.Resolve(request.RuleSet, asOf).Get&lt;ModelWeightsRules&gt;();
/// </code>
/// JSON is read with System.Text.Json, snake_case names, unknown properties rejected, <c>required</c> members and
/// non-nullable annotations enforced: a missing field, a wrong type or a bad confidence tag already stops loading with
/// the file, JSON path and problem. <see cref="IRuleFamily.Validate"/> adds the semantic checks (ranges, orderings).
/// Families are discovered by reflection over the Diffusion.Rules assembly (see <see cref="RuleFamilyCatalog"/>).
/// </remarks>
/// <param name="name">The family name, which is also the file name without ".json", e.g. "model-weights".</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RuleFamilyAttribute(string name) : Attribute
{
    /// <summary>The family name and file name without ".json", e.g. "tiers".</summary>
    public string Name { get; } = name;
}

/// <summary>A rule family record (see <see cref="RuleFamilyAttribute"/> for how to add one).</summary>
public interface IRuleFamily
{
    /// <summary>
    /// Checks what JSON shape alone cannot (negative thresholds, inverted ranges, malformed country codes) and reports
    /// every problem through <paramref name="context"/>; the loader then stops with all of them.
    /// </summary>
    void Validate(RuleValidationContext context);
}
