namespace Diffusion.Rules.EndUsers;

/// <summary>The three destination tiers of the AI Diffusion framework (RULES.md section 4).</summary>
public enum CountryTier
{
    /// <summary>The United States and its closest allies: no allocation.</summary>
    Tier1 = 1,

    /// <summary>Every destination not in Tier 1 or Tier 3.</summary>
    Tier2 = 2,

    /// <summary>Country Group D:5 and Macau: presumption of denial.</summary>
    Tier3 = 3,
}
