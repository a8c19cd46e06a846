using Diffusion.Rules.EndUsers;

namespace Diffusion.EndUsers.Storage;

/// <summary>A deployment asked to be recorded: <paramref name="Tpp"/> whole TPP installed in <paramref name="Country"/>.</summary>
/// <param name="DeploymentId">The caller's idempotency key.</param>
/// <param name="VeuId">The VEU deploying.</param>
/// <param name="Country">ISO 3166-1 alpha-2 code.</param>
/// <param name="Tpp">Whole TPP, greater than zero.</param>
/// <param name="AsOf">When it is deployed (the instant the rules are evaluated at).</param>
/// <param name="RuleSet">The rule set it is evaluated under.</param>
/// <param name="ReservationId">For an NVEU, the Quota reservation made against <c>nveu/&lt;veu&gt;/&lt;CC&gt;</c>.</param>
internal sealed record DeploymentRecord(
    string DeploymentId, string VeuId, string Country, long Tpp, DateTimeOffset AsOf, string RuleSet, string? ReservationId)
{
    /// <summary>Whether <paramref name="other"/> asks for the same deployment (a retry), whatever its reservation.</summary>
    public bool SameAs(DeploymentRecord other) =>
        DeploymentId == other.DeploymentId && VeuId == other.VeuId && Country == other.Country && Tpp == other.Tpp;
}

/// <summary>Compute that left a VEU's installed base.</summary>
internal sealed record AttritionRecord(
    string EventId, string VeuId, string Country, long Tpp, AttritionKind Kind, string Note, DateTimeOffset AsOf)
{
    /// <summary>Whether <paramref name="other"/> reports the same event (a retry).</summary>
    public bool SameAs(AttritionRecord other) =>
        EventId == other.EventId && VeuId == other.VeuId && Country == other.Country && Tpp == other.Tpp && Kind == other.Kind;
}

/// <summary>How a request to record a deployment ended.</summary>
internal enum RecordOutcome
{
    /// <summary>Recorded now.</summary>
    Recorded,

    /// <summary>A retry: the same deployment was recorded before; nothing changed.</summary>
    AlreadyRecorded,

    /// <summary>The rules refused it; nothing recorded.</summary>
    Refused,
}

/// <summary>The outcome of recording a deployment, with the installed base after it.</summary>
/// <param name="Outcome">Recorded, already recorded, or refused.</param>
/// <param name="Verdict">The rules' verdict (for a retry: re-evaluated on the base before the first recording is unknown, so null).</param>
/// <param name="InstalledBase">The installed base after the call.</param>
/// <param name="Existing">For a retry: the deployment as first recorded.</param>
/// <param name="QuotaCommitted">For a retry: whether its Quota reservation was already committed.</param>
internal sealed record RecordResult(
    RecordOutcome Outcome,
    Diffusion.Rules.EndUsers.Deployment.DeploymentVerdict? Verdict,
    InstalledBase InstalledBase,
    DeploymentRecord? Existing,
    bool QuotaCommitted);

/// <summary>The same idempotency key was used for a different request.</summary>
internal sealed class IdempotencyConflictException(string field, string message) : Exception(message)
{
    /// <summary>The request field holding the reused key.</summary>
    public string Field { get; } = field;
}

/// <summary>A state-dependent refusal of a request (e.g. attrition larger than what is installed).</summary>
internal sealed class PreconditionFailedException(string field, string message) : Exception(message)
{
    /// <summary>The request field at fault.</summary>
    public string Field { get; } = field;
}
