namespace Diffusion.Rules.Decisions.Rules;

/// <summary>
/// The affiliates rule (90 FR 47201, 15 CFR 744.11(a)(1)): a consignee owned 50 % or more, directly or indirectly,
/// individually or in aggregate, by listed parties takes on their restrictions (the most restrictive owner's, no
/// licence exception), for every item of the order. A listed owner whose share is not known is Red Flag 29: the order
/// is held for review, not approved. Applies only on days the rule is in force (stayed 2025-11-10 to 2026-11-09; after
/// that the officer's setting).
/// </summary>
public sealed class AffiliatesRule : IDecisionRule
{
    /// <inheritdoc/>
    public string Id => "affiliates";

    /// <inheritdoc/>
    public void Evaluate(DecisionContext context, DecisionFindings findings)
    {
        var rule = context.Affiliates;
        var listed = rule is null ? [] : context.Consignee.Identity.Owners.Where(o => rule.Lists.Value.Contains(o.ListedOn, StringComparer.Ordinal)).ToList();
        if (rule is null || listed.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", listed.Select(o => $"{o.Name} ({o.ListedOn}, {(o.SharePercent is { } s ? $"{s:0.##} %" : "share unknown")})"));
        var status = rule.StatusOn(context.AsOf);
        if (status is null || status.Value != AffiliatesRuleData.InForce)
        {
            findings.Add(new Reason(
                "AFFILIATES.NOT_IN_FORCE",
                $"listed owners {names}: the affiliates rule is {(status is null ? "not yet in force" : status.Value)} on {context.AsOf:yyyy-MM-dd}",
                status?.Citation ?? rule.ThresholdPercent.Citation,
                status?.Confidence ?? rule.ThresholdPercent.Confidence));
            return;
        }

        var known = listed.Sum(o => o.SharePercent ?? 0);
        var threshold = rule.ThresholdPercent.Value;
        if (known >= threshold)
        {
            foreach (var item in context.Items)
            {
                findings.Require(
                    item,
                    new Requirement(Id, Outcome.LicenseRequired, rule.ReviewPolicy.Value, DrawMechanism.None, ExceptionsLift: false),
                    new Reason(
                        "AFFILIATES.OWNED",
                        $"items[{item.Index}] {item.Description}: the consignee is {known:0.##} % owned by listed parties ({names}), at least {threshold:0.##} %: licence required, {rule.ReviewPolicy.Value}",
                        $"{rule.ThresholdPercent.Citation}; {status.Citation}",
                        ConfidenceTags.Weakest(rule.ThresholdPercent.Confidence, status.Confidence)));
            }

            return;
        }

        var unknown = listed.Where(o => o.SharePercent is null).ToList();
        if (unknown.Count == 0)
        {
            findings.Add(new Reason(
                "AFFILIATES.BELOW_THRESHOLD",
                $"listed owners {names} hold {known:0.##} % together, below {threshold:0.##} %",
                rule.ThresholdPercent.Citation,
                rule.ThresholdPercent.Confidence));
            return;
        }

        findings.Ask(new Reason(
            "AFFILIATES.UNKNOWN_SHARE",
            $"{rule.UnknownShare.Value}: what share do {string.Join(", ", unknown.Select(o => $"{o.Name} ({o.ListedOn})"))} hold? Listed owners of known share hold {known:0.##} %; {threshold:0.##} % or more in aggregate passes their restrictions on",
            rule.UnknownShare.Citation,
            rule.UnknownShare.Confidence));
        foreach (var item in context.Items)
        {
            findings.Require(item, new Requirement(Id, Outcome.HeldForReview, "", DrawMechanism.None, ExceptionsLift: false),
                new Reason("AFFILIATES.HELD", $"items[{item.Index}] {item.Description}: held for review until the listed owners' shares are known", rule.UnknownShare.Citation, rule.UnknownShare.Confidence));
        }
    }
}
