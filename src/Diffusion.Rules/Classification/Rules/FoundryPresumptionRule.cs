using System.Globalization;
using Diffusion.Rules.Classification.Foundry;

namespace Diffusion.Rules.Classification.Rules;

/// <summary>
/// Note 1 to ECCN 3A090.a (90 FR 5298, dates moved by 91 FR 17851): when a front-end fabricator or an OSAT classifies an
/// advanced logic IC, the IC is presumed 3A090.a, whatever its figures say, unless an approved designer (or, up to a
/// date, an authorized one) certified it or its transistor count is below the year's threshold. Applies only when the
/// request carries the fabricator's facts (<see cref="ChipClassificationContext.Foundry"/>).
/// </summary>
public sealed class FoundryPresumptionRule : IClassificationRule<ChipClassificationContext>
{
    /// <summary>The paragraph a presumed IC is reported under (its ECCN is 3A090.a).</summary>
    public const string PresumedParagraph = "3A090.a.note-1";

    /// <inheritdoc />
    public string Id => PresumedParagraph;

    /// <inheritdoc />
    public void Evaluate(ChipClassificationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Foundry is not { } assessment)
        {
            return;
        }

        var (facts, rules, day) = assessment;
        if (day < rules.InForceFrom.Value)
        {
            context.Add(rules.InForceFrom.Reason("FOUNDRY.NOT_IN_FORCE",
                $"the front-end fabricator/OSAT presumption applies from {Text(rules.InForceFrom.Value)}, not on {Text(day)}"));
            return;
        }

        if (!facts.AdvancedNode)
        {
            context.Add(rules.AppliesTo.Reason("FOUNDRY.NOT_APPLICABLE", $"the presumption does not apply: it covers {rules.AppliesTo.Value}"));
            return;
        }

        if (facts.Designer == IcDesignerStatus.Approved)
        {
            context.Add(rules.ApprovedDesigner.Reason("FOUNDRY.APPROVED_DESIGNER", $"presumption rebutted: {rules.ApprovedDesigner.Value}"));
            return;
        }

        if (facts.Designer == IcDesignerStatus.Authorized && rules.AuthorizedDesignerUntilOn(day) is { } until)
        {
            if (day <= until.Value)
            {
                context.Add(new Reason("FOUNDRY.AUTHORIZED_DESIGNER",
                    $"presumption rebutted: an authorized IC designer's certification counts up to and including {Text(until.Value)}",
                    until.Citation, until.Confidence));
                return;
            }

            context.Add(new Reason("FOUNDRY.AUTHORIZED_DESIGNER_LAPSED",
                $"an authorized IC designer's certification counted only up to {Text(until.Value)}; on {Text(day)} it does not rebut the presumption",
                until.Citation, until.Confidence));
        }

        var threshold = rules.ThresholdOn(day, facts.ContainsHbm);
        var hbm = facts.ContainsHbm ? "with" : "without";
        if (threshold is not null && facts.TransistorCountBillions is { } count && count < threshold.BelowBillions)
        {
            context.Add(new Reason("FOUNDRY.BELOW_TRANSISTOR_THRESHOLD",
                $"presumption rebutted: {Billions(count)} transistors < {Billions(threshold.BelowBillions)} for an IC {hbm} HBM exported on {Text(day)}",
                threshold.Citation, threshold.Confidence));
            return;
        }

        var why = (facts.TransistorCountBillions, threshold) switch
        {
            (null, _) => "its transistor count is not known",
            (_, null) => "no transistor threshold covers the day",
            ({ } c, { } t) => $"{Billions(c)} transistors >= {Billions(t.BelowBillions)} for an IC {hbm} HBM exported on {Text(day)}",
        };
        var designer = facts.Designer == IcDesignerStatus.None ? "no approved or authorized designer certified it" : "its designer's certification no longer counts";
        context.Presume(PresumedParagraph, new Reason("FOUNDRY.PRESUMED_3A090A",
            $"presumed 3A090.a (Note 1 to 3A090.a): an advanced logic IC from a front-end fabricator or OSAT, {designer}, and {why}",
            threshold?.Citation ?? rules.InForceFrom.Citation, threshold?.Confidence ?? rules.InForceFrom.Confidence));
    }

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Billions(decimal value) => ClassificationContext.Format(value) + " billion";
}
