namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// Model weights: what ModelWeights found under ECCN 4E091 decides the line. Controlled weights need a licence to
/// every destination; License Exception AIA covers Tier 1-headquartered recipients with secure storage.
/// </summary>
public sealed class ModelWeightsRule : IDecisionRule
{
    /// <inheritdoc/>
    public string Id => "model_weights";

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        var rule = context.Rules.Cite(Id);
        foreach (var item in context.Items.Where(i => i.Kind == ItemKind.ModelWeights))
        {
            var weights = item.ModelWeights!;
            foreach (var reason in weights.Reasons)
            {
                findings.Add(reason);
            }

            if (!weights.Controlled)
            {
                findings.Add(rule.Reason(
                    "4E091.NOT_CONTROLLED",
                    $"items[{item.Index}] {item.Description}: weights not controlled under 4E091; no licence required"));
                continue;
            }

            if (!weights.LicenseRequired && weights.LicenseException.Length == 0)
            {
                findings.Add(rule.Reason(
                    "4E091.NO_LICENCE",
                    $"items[{item.Index}] {item.Description}: 4E091 weights, but no licence required for this export"));
                continue;
            }

            var policy = weights.ReviewPolicy.Length > 0 ? weights.ReviewPolicy : "case-by-case";
            var outcome = policy.Contains("denial", StringComparison.OrdinalIgnoreCase) ? Outcome.PresumptionOfDenial : Outcome.LicenseRequired;
            findings.Require(
                item,
                new Requirement(Id, outcome, policy, DrawMechanism.None),
                rule.Reason(
                    "4E091.CONTROLLED",
                    $"items[{item.Index}] {item.Description}: 4E091 weights to {context.DestinationCountry}: licence required, {policy}"));
            if (weights.LicenseException.Length > 0)
            {
                findings.Authorize(
                    item,
                    new Authorization(weights.LicenseException, DrawMechanism.None),
                    rule.Reason(
                        "4E091.EXCEPTION",
                        $"items[{item.Index}] {item.Description}: License Exception {weights.LicenseException} covers the export"));
            }
        }
    }
}
