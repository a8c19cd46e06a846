namespace Diffusion.Rules.EndUsers;

/// <summary>The two kinds of Validated End User under the AI Diffusion framework (15 CFR 748.15).</summary>
public enum VeuKind
{
    /// <summary>Universal VEU: headquartered (and ultimate parent) in Tier 1; datacenters anywhere but D:5/Macau.</summary>
    Universal = 1,

    /// <summary>National VEU: authorised separately for each country it deploys in.</summary>
    National = 2,
}
