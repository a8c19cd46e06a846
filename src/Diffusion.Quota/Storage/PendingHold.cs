using Diffusion.Quota.Reservations;

namespace Diffusion.Quota.Storage;

/// <summary>
/// A pending reservation as a rebuild loads it into Redis (a row of <c>pending_reservations</c>): what its Redis record
/// holds besides the state (pending), the outcome (reserved) and the epoch (the rebuild's).
/// </summary>
internal sealed record PendingHold(string Id, Guid Token, string Fingerprint, DateTimeOffset ExpiresAt, IReadOnlyList<Draw> Draws);
