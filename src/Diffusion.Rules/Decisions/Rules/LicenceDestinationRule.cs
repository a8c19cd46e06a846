namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// Without the 2025 framework (the 2023 rule as corrected, or the 2026 rules when the framework is not enforced),
/// advanced-computing items need a licence for Country Groups D:1 and D:4 besides D:5/Macau (the groups License
/// Exception ACA serves); everywhere else needs no licence under this rule.
/// </summary>
public sealed class LicenceDestinationRule : IDecisionRule
{
    /// <inheritdoc/>
    public string Id => "licence_destination";

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        if (context.Framework.Value || context.EffectiveTier == 3)
        {
            return;
        }

        var advanced = context.Items.Where(i => i.IsAdvancedComputing).ToList();
        if (context.LicenceGroupMembership is not { } membership)
        {
            var rule = context.Rules.Cite(Id);
            foreach (var item in advanced)
            {
                findings.Add(rule.Reason(
                    "DESTINATION.NO_LICENCE",
                    $"items[{item.Index}] {item.Description} ({item.Eccn}) to {context.DestinationCountry}: not in D:1, D:4, D:5 or Macau; no licence required under {context.RuleSetId}"));
            }

            return;
        }

        var policy = context.Rules.LicenceDestinationReviewPolicy;
        foreach (var item in advanced)
        {
            findings.Require(
                item,
                new Requirement(Id, Outcome.LicenseRequired, policy.Value, DrawMechanism.None),
                new Reason(
                    "DESTINATION.LICENCE",
                    $"items[{item.Index}] {item.Description} ({item.Eccn}) to {context.DestinationCountry} (D:1/D:4): licence required, {policy.Value}",
                    membership.Citation,
                    membership.Confidence));
        }
    }
}
