using System.Globalization;
using Diffusion.LoadTest.History;

namespace Diffusion.LoadTest.Checking;

/// <summary>What the checker found.</summary>
/// <param name="Acknowledged">Every reservation acknowledged as RESERVED, with its final state.</param>
/// <param name="Violations">Every broken invariant; none means the run passed.</param>
internal sealed record CheckResult(IReadOnlyList<AcknowledgedReservation> Acknowledged, IReadOnlyList<Violation> Violations)
{
    public bool Passed => Violations.Count == 0;

    public int Count(string kind) => Violations.Count(v => v.Kind == kind);
}

/// <summary>An acknowledged reservation and the state the system holds it in ("MISSING" when it does not).</summary>
internal sealed record AcknowledgedReservation(string Id, IReadOnlyList<HistoryDraw> Draws, string FinalState);

/// <summary>
/// Checks the quota invariants (docs/quota-invariants.md) the way Jepsen does: from the recorded history of what the service acknowledged
/// (not from the service's own account of itself), against the state it holds after the run.
/// <list type="bullet">
/// <item>No acknowledged reservation is lost: it is still PENDING or COMMITTED, unless a Release/Cancel was sent
/// (RELEASED) or it expired (EXPIRED); an acknowledged Commit/Confirm is COMMITTED; an acknowledged Release/Cancel is
/// RELEASED or EXPIRED.</item>
/// <item>No bucket above its cap: for buckets whose cap the run set, the TPP the history proves held at any one
/// instant (each acknowledged reservation from its acknowledgement until its Release was sent or it expired; for ever
/// once its Commit was acknowledged) never exceeds the cap; for every bucket, the final committed + pending does not.</item>
/// <item>Idempotent retries count once: every acknowledged answer to a Reserve id agrees with the first, and a bucket
/// the run owns counts exactly the committed TPP of the reservations committed in it.</item>
/// <item>Redis agrees with the ledger after the run.</item>
/// </list>
/// </summary>
internal static class Checker
{
    public static CheckResult Check(IReadOnlyList<HistoryEvent> history, FinalState final, TimeSpan clockSkew)
    {
        var skew = (long)clockSkew.TotalMicroseconds;
        var reservations = ReservationHistory.From(history);
        var caps = OwnedCaps(history);
        var violations = new List<Violation>();
        var acknowledged = new List<AcknowledgedReservation>();

        foreach (var r in reservations.Values.OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            if (r.ReserveAnswers.Select(a => a.Outcome).Distinct(StringComparer.Ordinal).Skip(1).Any())
            {
                violations.Add(new Violation(ViolationKinds.RetryMismatch, r.Id,
                    $"Reserve answered {string.Join(", ", r.ReserveAnswers.Select(a => a.Outcome))} to the same id"));
            }

            var held = final.Reservations.GetValueOrDefault(r.Id);
            if (r.Acknowledged)
            {
                acknowledged.Add(new AcknowledgedReservation(r.Id, r.Draws, held?.State ?? "MISSING"));
                if (LostBecause(r, held, skew) is { } why)
                {
                    violations.Add(new Violation(ViolationKinds.Lost, r.Id, why));
                }
            }

            if (held is not null && PhantomBecause(r, held) is { } phantom)
            {
                violations.Add(new Violation(ViolationKinds.Phantom, r.Id, phantom));
            }
        }

        violations.AddRange(OverCapInHistory(reservations.Values, caps, skew));
        foreach (var balance in final.Balances.Values.Where(b => b.Committed + b.Pending > b.Cap))
        {
            violations.Add(new Violation(ViolationKinds.OverCap, balance.Bucket, Invariant(
                $"after the run: committed {balance.Committed} + pending {balance.Pending} > cap {balance.Cap}")));
        }

        violations.AddRange(Miscounted(reservations.Values, final, caps.Keys));
        violations.AddRange(final.RedisLedgerDifferences.Select(d => new Violation(ViolationKinds.RedisLedger, "", d)));
        return new CheckResult(acknowledged, violations);
    }

    /// <summary>Buckets the run created with SetAllocation, and the largest cap it set on each.</summary>
    public static IReadOnlyDictionary<string, long> OwnedCaps(IEnumerable<HistoryEvent> history)
    {
        var caps = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in history.Where(e => e.Op == Ops.SetAllocation && e.IsOk && e.Cap is not null))
        {
            caps[e.Id] = Math.Max(caps.GetValueOrDefault(e.Id), e.Cap!.Value);
        }

        return caps;
    }

    private static string? LostBecause(ReservationHistory r, FinalReservation? held, long skew)
    {
        if (held is null || held.State == States.Refused)
        {
            return held is null ? "acknowledged as RESERVED, unknown to Quota after the run" : "acknowledged as RESERVED, recorded as REFUSED";
        }

        var state = held.State;
        if (r.CommitAnswer == States.Committed && state != States.Committed)
        {
            return $"Commit/Confirm acknowledged COMMITTED, now {state}";
        }

        if (r.ReleaseAnswer is States.Released or States.Expired && state is not (States.Released or States.Expired))
        {
            return $"Release/Cancel acknowledged {r.ReleaseAnswer}, now {state}";
        }

        if (state == States.Expired && r.CommitAnswer is null && held.ReadAtMicros + skew < r.ExpiresAt)
        {
            return Invariant($"EXPIRED before its expiry ({r.ExpiresAt} µs; read at {held.ReadAtMicros} µs)");
        }

        if (state == States.Released && r.ReleaseInvoked is null)
        {
            return "RELEASED though no Release or Cancel was sent";
        }

        return null;
    }

    private static string? PhantomBecause(ReservationHistory r, FinalReservation held) =>
        held.State == States.Committed && r.CommitInvoked is null ? "COMMITTED though no Commit or Confirm was sent" : null;

    /// <summary>
    /// Sweeps each owned bucket's proven holds over time. A reservation is proven held from its first acknowledgement
    /// until the first Release/Cancel was sent or its expiry (less the clock skew), and for ever once a Commit was
    /// acknowledged; ends come before starts at the same instant ([start, end) intervals).
    /// </summary>
    private static IEnumerable<Violation> OverCapInHistory(IEnumerable<ReservationHistory> reservations, IReadOnlyDictionary<string, long> caps, long skew)
    {
        var events = new Dictionary<string, List<(long At, long Delta, string Id)>>(StringComparer.Ordinal);
        foreach (var r in reservations.Where(r => r.Acknowledged))
        {
            var start = r.AcknowledgedAt;
            var end = r.CommitAnswer == States.Committed
                ? long.MaxValue
                : Math.Min(r.ReleaseInvoked ?? long.MaxValue, r.ExpiresAt == long.MaxValue ? long.MaxValue : r.ExpiresAt - skew);
            if (end <= start)
            {
                continue;
            }

            foreach (var draw in r.Draws.Where(d => caps.ContainsKey(d.Bucket)))
            {
                if (!events.TryGetValue(draw.Bucket, out var list))
                {
                    events[draw.Bucket] = list = [];
                }

                list.Add((start, draw.Tpp, r.Id));
                if (end != long.MaxValue)
                {
                    list.Add((end, -draw.Tpp, r.Id));
                }
            }
        }

        foreach (var (bucket, list) in events)
        {
            var cap = caps[bucket];
            long held = 0;
            foreach (var (at, delta, id) in list.OrderBy(e => e.At).ThenBy(e => e.Delta))
            {
                held = checked(held + delta);
                if (held > cap)
                {
                    yield return new Violation(ViolationKinds.OverCap, bucket, Invariant(
                        $"at {at} µs the history proves {held} TPP held (the last acknowledged: {id}), cap {cap}"));
                    break;
                }
            }
        }
    }

    /// <summary>Owned buckets: committed TPP equals the sum over the reservations the ledger holds as COMMITTED there.</summary>
    private static IEnumerable<Violation> Miscounted(IEnumerable<ReservationHistory> reservations, FinalState final, IEnumerable<string> owned)
    {
        var committed = owned.ToDictionary(b => b, _ => 0L, StringComparer.Ordinal);
        foreach (var r in reservations)
        {
            if (final.Reservations.GetValueOrDefault(r.Id) is { State: States.Committed } held)
            {
                foreach (var draw in held.Draws.Where(d => committed.ContainsKey(d.Bucket)))
                {
                    committed[draw.Bucket] = checked(committed[draw.Bucket] + draw.Tpp);
                }
            }
        }

        foreach (var (bucket, sum) in committed)
        {
            if (final.Balances.TryGetValue(bucket, out var balance) && balance.Committed != sum)
            {
                yield return new Violation(ViolationKinds.Miscounted, bucket, Invariant(
                    $"counts {balance.Committed} TPP committed; the reservations committed in it sum to {sum}"));
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
