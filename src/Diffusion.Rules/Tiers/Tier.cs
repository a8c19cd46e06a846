namespace Diffusion.Rules.Tiers;

/// <summary>The AI Diffusion framework's destination tiers (90 FR 4544).</summary>
public enum Tier
{
    /// <summary>The United States and 18 allies: no allocation, License Exception AIA.</summary>
    Tier1 = 1,

    /// <summary>Every destination in neither Tier 1 nor Tier 3: country allocations, LPP.</summary>
    Tier2 = 2,

    /// <summary>Country Group D:5 and Macau: presumption of denial.</summary>
    Tier3 = 3,
}

/// <summary>A tier with the findings that led to it.</summary>
/// <param name="Tier">The tier the entity or destination is treated as.</param>
/// <param name="Reasons">Why: the destination's tier, and the headquarters rule when it applied.</param>
public sealed record TierAssessment(Tier Tier, IReadOnlyList<Reason> Reasons);
