namespace Diffusion.Rules.EndUsers;

/// <summary>
/// Why installed compute left a VEU's installed base. Attrition lowers the installed base but never gives
/// allocation back: an NVEU's allocation counts cumulative deployments (90 FR 4544).
/// </summary>
public enum AttritionKind
{
    /// <summary>Lost (e.g. in transit or stolen).</summary>
    Loss = 1,

    /// <summary>Damaged beyond use.</summary>
    Damage = 2,

    /// <summary>Failed in service.</summary>
    Failure = 3,

    /// <summary>Moved out of this country.</summary>
    Relocation = 4,

    /// <summary>Sold on.</summary>
    Resale = 5,
}
