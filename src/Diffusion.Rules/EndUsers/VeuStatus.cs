namespace Diffusion.Rules.EndUsers;

/// <summary>Whether a VEU authorisation may currently be used.</summary>
public enum VeuStatus
{
    /// <summary>The authorisation may be used.</summary>
    Active = 1,

    /// <summary>Temporarily not usable (e.g. pending a compliance review).</summary>
    Suspended = 2,

    /// <summary>Withdrawn for good.</summary>
    Revoked = 3,
}
