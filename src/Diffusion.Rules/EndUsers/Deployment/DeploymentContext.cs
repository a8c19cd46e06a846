using Diffusion.Rules.Tiers;

namespace Diffusion.Rules.EndUsers.Deployment;

/// <summary>What the deployment rules look at: a VEU, where and how much it would deploy, and its installed base.</summary>
public sealed record DeploymentContext
{
    /// <summary>Creates a context; the installed base after the deployment is computed once here.</summary>
    /// <param name="veu">The VEU deploying.</param>
    /// <param name="country">Where the compute would be installed.</param>
    /// <param name="tpp">Whole TPP to be installed, greater than zero.</param>
    /// <param name="asOf">The instant the deployment is evaluated at.</param>
    /// <param name="before">The VEU's installed base before the deployment.</param>
    /// <param name="rules">The end-user rule family of the rule set in force.</param>
    /// <param name="tierOf">The destination tier of a country under that rule set.</param>
    /// <param name="allocation">For an NVEU: its allocation for <paramref name="country"/> in force at <paramref name="asOf"/>, if any.</param>
    /// <param name="heldAtQuota">For an NVEU: the deployment's TPP is already held by a reservation in its Quota bucket, so
    /// Quota (the one store of the cap) has decided the allocation and the rule only reports it.</param>
    public DeploymentContext(
        Veu veu,
        string country,
        long tpp,
        DateTimeOffset asOf,
        InstalledBase before,
        EndUserRules rules,
        Func<string, Tier> tierOf,
        NveuAllocation? allocation,
        bool heldAtQuota = false)
    {
        ArgumentNullException.ThrowIfNull(veu);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(tierOf);
        CountryCode.Require(country, nameof(country));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tpp);
        if (before.VeuId != veu.Id)
        {
            throw new ArgumentException($"installed base of {before.VeuId}, not of {veu.Id}", nameof(before));
        }

        Veu = veu;
        Country = country;
        Tpp = tpp;
        AsOf = asOf;
        Before = before;
        After = before.WithDeployment(country, tpp);
        Rules = rules;
        TierOf = tierOf;
        Allocation = allocation;
        HeldAtQuota = heldAtQuota;
    }

    /// <summary>The VEU deploying.</summary>
    public Veu Veu { get; }

    /// <summary>Where the compute would be installed.</summary>
    public string Country { get; }

    /// <summary>Whole TPP to be installed.</summary>
    public long Tpp { get; }

    /// <summary>The instant the deployment is evaluated at.</summary>
    public DateTimeOffset AsOf { get; }

    /// <summary>The installed base before the deployment.</summary>
    public InstalledBase Before { get; }

    /// <summary>The installed base after the deployment: what the UVEU shares are computed on.</summary>
    public InstalledBase After { get; }

    /// <summary>The end-user rule family.</summary>
    public EndUserRules Rules { get; }

    /// <summary>The destination tier of a country.</summary>
    public Func<string, Tier> TierOf { get; }

    /// <summary>For an NVEU: its allocation for <see cref="Country"/> at <see cref="AsOf"/>; null if none is in force.</summary>
    public NveuAllocation? Allocation { get; }

    /// <summary>For an NVEU: the deployment is already reserved in its Quota bucket, which decided the allocation.</summary>
    public bool HeldAtQuota { get; }
}
