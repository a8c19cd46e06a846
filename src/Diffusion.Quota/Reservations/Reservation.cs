namespace Diffusion.Quota.Reservations;

/// <summary>Where a reservation is in its life (numbers as in the proto enum ReservationState).</summary>
public enum ReservationState
{
    /// <summary>Holding its TPP until committed, released or expired.</summary>
    Pending = 1,

    /// <summary>Permanent use; never returns.</summary>
    Committed = 2,

    /// <summary>Returned by its holder.</summary>
    Released = 3,

    /// <summary>Returned because its TTL passed while pending.</summary>
    Expired = 4,

    /// <summary>The Reserve was refused; nothing is held.</summary>
    Refused = 5,
}

/// <summary>The answer to a Reserve (numbers as in the proto enum ReserveOutcome).</summary>
public enum ReserveOutcome
{
    /// <summary>Every draw is held.</summary>
    Reserved = 1,

    /// <summary>At least one bucket lacks the TPP; nothing is held.</summary>
    Insufficient = 2,

    /// <summary>At least one bucket is defined neither by the rules nor by an officer; nothing is held.</summary>
    UnknownBucket = 3,
}

/// <summary>An amount of whole TPP drawn from one bucket.</summary>
public sealed record Draw(string BucketId, long Tpp);

/// <summary>A bucket's amounts in whole TPP. <see cref="Available"/> is never negative.</summary>
public sealed record BucketBalance(string BucketId, long Cap, long Committed, long Pending)
{
    /// <summary>What a Reserve may still take: cap - committed - pending, at least 0.</summary>
    public long Available => Math.Max(0, Cap - Committed - Pending);
}

/// <summary>
/// One reservation as the ledger records it (and Redis mirrors it while pending).
/// </summary>
/// <param name="Id">The caller's reservation id (the idempotency key).</param>
/// <param name="Token">Identifies the attempt that created the Redis hold, so a hold never gets mistaken for another
/// attempt's ledger row (see <see cref="QuotaEngine"/>).</param>
/// <param name="State">Current state.</param>
/// <param name="Outcome">The first answer to the Reserve.</param>
/// <param name="Fingerprint">The draws in canonical text, to tell a retry from a different request reusing the id.</param>
/// <param name="ExpiresAt">When a pending reservation returns by itself (an instant; pending while now &lt; ExpiresAt).</param>
/// <param name="Epoch">The Redis epoch the hold was made in (fencing, see <see cref="Storage.RecoveryCoordinator"/>).</param>
/// <param name="Draws">The draws, in request order.</param>
/// <param name="CreatedAt">When the Reserve was answered.</param>
public sealed record Reservation(
    string Id,
    Guid Token,
    ReservationState State,
    ReserveOutcome Outcome,
    string Fingerprint,
    DateTimeOffset ExpiresAt,
    long Epoch,
    IReadOnlyList<Draw> Draws,
    DateTimeOffset CreatedAt)
{
    /// <summary>The canonical text of a request's draws: "bucket=tpp" lines in request order.</summary>
    public static string FingerprintOf(IEnumerable<Draw> draws) =>
        string.Join('\n', draws.Select(d => $"{d.BucketId}={d.Tpp.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
}
