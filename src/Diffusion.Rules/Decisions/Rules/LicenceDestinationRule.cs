namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// Without the 2025 framework (the 2023 rule as corrected, or the 2026 rules when the framework is not enforced),
/// advanced-computing items need a licence for the listed destinations besides D:5/Macau: Country Groups D:1 and D:4
/// not also in A:5 or A:6. Everywhere else needs no licence under this rule.
/// </summary>
public sealed class LicenceDestinationRule : IDecisionRule
{
    /// <inheritdoc/>
    public string Id => "15 CFR 742.6(a)(6)(iii), D:1 and D:4 destinations (88 FR 73458)";

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        if (context.Rules.Framework.Value || context.EffectiveTier == 3)
        {
            return;
        }

        var listed = context.Rules.LicenceDestinations;
        var advanced = context.Items.Where(i => i.IsAdvancedComputing).ToList();
        if (!listed.Value.Contains(context.DestinationCountry, StringComparer.Ordinal))
        {
            foreach (var item in advanced)
            {
                findings.Add(new DecisionReason(
                    "DESTINATION.NO_LICENCE",
                    $"items[{item.Index}] {item.Description} ({item.Eccn}) to {context.DestinationCountry}: not a licence destination under {context.RuleSetId}; no licence required",
                    listed.Citation,
                    listed.Confidence));
            }

            return;
        }

        var policy = context.Rules.LicenceDestinationReviewPolicy;
        foreach (var item in advanced)
        {
            findings.Require(
                item,
                new Requirement(Id, Outcome.LicenseRequired, policy.Value, DrawMechanism.None),
                new DecisionReason(
                    "DESTINATION.LICENCE",
                    $"items[{item.Index}] {item.Description} ({item.Eccn}) to {context.DestinationCountry} (D:1/D:4): licence required, {policy.Value}",
                    listed.Citation,
                    listed.Confidence));
        }
    }
}
