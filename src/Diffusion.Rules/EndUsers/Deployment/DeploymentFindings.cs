namespace Diffusion.Rules.EndUsers.Deployment;

/// <summary>Collects what every deployment rule found: limits tested, reasons, and whether anything refuses.</summary>
public sealed class DeploymentFindings
{
    private readonly List<Reason> reasons = [];
    private readonly List<LimitCheck> limits = [];

    /// <summary>Whether any rule refused the deployment.</summary>
    public bool Refused { get; private set; }

    /// <summary>Every reason, in rule order.</summary>
    public IReadOnlyList<Reason> Reasons => reasons;

    /// <summary>Every limit tested, in rule order.</summary>
    public IReadOnlyList<LimitCheck> Limits => limits;

    /// <summary>Records a reason that refuses the deployment.</summary>
    public void Refuse(Reason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        reasons.Add(reason);
        Refused = true;
    }

    /// <summary>Records a reason that explains without refusing.</summary>
    public void Note(Reason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        reasons.Add(reason);
    }

    /// <summary>Records a limit tested and its reason; <paramref name="refuses"/> says whether it stops the deployment.</summary>
    public void Limit(LimitCheck check, string message, bool refuses)
    {
        ArgumentNullException.ThrowIfNull(check);
        limits.Add(check);
        var reason = new Reason(check.LimitId, message, check.Citation, check.Confidence);
        if (refuses)
        {
            Refuse(reason);
        }
        else
        {
            Note(reason);
        }
    }
}
