namespace Diffusion.LoadTest.Checking;

/// <summary>One broken invariant, found by the checker.</summary>
/// <param name="Kind">One of <see cref="ViolationKinds"/>.</param>
/// <param name="Subject">The reservation or bucket concerned.</param>
/// <param name="Detail">What the history and the final state say, in a sentence.</param>
internal sealed record Violation(string Kind, string Subject, string Detail)
{
    /// <summary>
    /// At most <paramref name="perKind"/> of each kind, in order: thousands of one kind must not hide the only example
    /// of another (the million-reservation run of 2026-12-03 listed 4,802 lost ids and none of its 15 Redis differences).
    /// </summary>
    public static IEnumerable<Violation> Examples(IEnumerable<Violation> violations, int perKind) =>
        violations.GroupBy(v => v.Kind, StringComparer.Ordinal).SelectMany(g => g.Take(perKind));
}

/// <summary>The kinds of <see cref="Violation"/>, each tied to a quota invariant of docs/quota-invariants.md.</summary>
internal static class ViolationKinds
{
    /// <summary>Invariant 2: an acknowledged reservation is missing, or not in a state its acknowledged history allows
    /// (a confirmed one not committed, a cancelled one not released).</summary>
    public const string Lost = "lost";

    /// <summary>Invariant 1: a bucket held more than its cap (from the history's acknowledged holds, or in the final state).</summary>
    public const string OverCap = "over_cap";

    /// <summary>Invariant 3: a retry of a Reserve got another answer than the first.</summary>
    public const string RetryMismatch = "retry_mismatch";

    /// <summary>Invariant 3: a bucket counts more (or less) committed TPP than the reservations committed in it.</summary>
    public const string Miscounted = "miscounted";

    /// <summary>A reservation committed or released without any call asking for it.</summary>
    public const string Phantom = "phantom";

    /// <summary>Redis disagrees with the ledger after the run (CheckConsistency).</summary>
    public const string RedisLedger = "redis_ledger";
}
