namespace Diffusion.Rules.EndUsers.Deployment;

/// <summary>One deployment rule. Records what it tested in the findings; never stops the others.</summary>
public interface IDeploymentRule
{
    /// <summary>Stable code of the rule, used as the code of its reasons and limits.</summary>
    string Id { get; }

    /// <summary>Tests the deployment and records its findings.</summary>
    void Evaluate(DeploymentContext context, DeploymentFindings findings);
}
