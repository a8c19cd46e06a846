namespace Diffusion.ServiceDefaults.Security;

/// <summary>
/// The roles a bearer token may carry (claim <c>role</c>). What each may do is <see cref="AccessPolicy"/>; the
/// identity provider grants them to its clients.
/// </summary>
public static class Roles
{
    /// <summary>Decides, confirms and cancels orders, asks what-if, classifies, evaluates model weights, reads balances.</summary>
    public const string Exporter = "exporter";

    /// <summary>Licensing officer: sets allocations, registers and changes VEUs, and everything an exporter may.</summary>
    public const string Officer = "officer";

    /// <summary>Read-only: balances, decisions, the audit trail, consistency.</summary>
    public const string Auditor = "auditor";

    /// <summary>Runs the system: health, consistency checks, rebuilds.</summary>
    public const string Operator = "operator";

    /// <summary>
    /// A Diffusion service calling another with its own identity (client credentials), e.g. Decisions reserving at
    /// Quota. No person holds it.
    /// </summary>
    public const string Service = "service";

    /// <summary>Every role, in the order the README's table lists them.</summary>
    public static readonly IReadOnlyList<string> All = [Exporter, Officer, Auditor, Operator, Service];

    /// <summary>The roles a person (or a script acting for one) may ask a token for.</summary>
    public static readonly IReadOnlyList<string> People = [Exporter, Officer, Auditor, Operator];
}
