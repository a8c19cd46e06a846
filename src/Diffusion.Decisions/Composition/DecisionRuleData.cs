using Diffusion.Rules;
using Grpc.Core;

namespace Diffusion.Decisions.Composition;

/// <summary>Which rule set an order is decided under, and the posture that choice took.</summary>
internal sealed class DecisionRuleData(RuleSetRegistry registry)
{
    /// <summary>The rule set named, else the one in force on <paramref name="asOf"/>; INVALID_ARGUMENT naming the field otherwise.</summary>
    public RuleSet Resolve(string ruleSetId, DateOnly asOf)
    {
        try
        {
            return registry.Resolve(ruleSetId, asOf);
        }
        catch (RuleSetResolutionException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
    }

    /// <summary>The enforcement posture of a decision under <paramref name="set"/> on <paramref name="asOf"/>.</summary>
    public EnforcementPosture PostureOf(RuleSet set, DateOnly asOf, bool named) => registry.PostureOf(set, asOf, named);

    /// <summary>The rule set named (else the one in force) described on <paramref name="day"/>.</summary>
    public RuleSetDescription Describe(string ruleSetId, DateOnly day) =>
        RuleSetDescription.Of(registry, Resolve(ruleSetId, day), day, named: ruleSetId.Length > 0);
}
