namespace Diffusion.Rules.EndUsers;

/// <summary>One limit tested against the installed base after a deployment, with the numbers.</summary>
/// <param name="LimitId">e.g. "UVEU.TIER1_SHARE", "UVEU.TIER2_COUNTRY_SHARE", "UVEU.US_SHARE", "NVEU.COUNTRY_ALLOCATION".</param>
/// <param name="Description">What was compared, in words and numbers.</param>
/// <param name="Within">Whether the projected quantity satisfies the limit.</param>
/// <param name="LimitTpp">The limit in TPP (for shares: the share of the projected total, rounded to the safe side).</param>
/// <param name="ProjectedTpp">The quantity tested, after the deployment.</param>
/// <param name="HeadroomTpp">How far inside the limit (positive or zero) or over it (negative).</param>
/// <param name="Citation">The paragraph.</param>
/// <param name="Confidence">How sure the rule data behind the limit is.</param>
public sealed record LimitCheck(
    string LimitId,
    string Description,
    bool Within,
    long LimitTpp,
    long ProjectedTpp,
    long HeadroomTpp,
    string Citation,
    Confidence Confidence);
