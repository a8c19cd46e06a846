using Diffusion.Rules;
using Grpc.Core;

namespace Diffusion.Decisions.Composition;

/// <summary>Which rule set an order is decided under.</summary>
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
}
