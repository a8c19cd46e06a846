using Diffusion.LoadTest.History;

namespace Diffusion.LoadTest.Checking;

/// <summary>
/// Everything the history says about one reservation id: what it draws, the Reserve answers the service acknowledged,
/// and which Commit/Release (or Confirm/Cancel) calls were tried and which were acknowledged.
/// </summary>
internal sealed class ReservationHistory(string id)
{
    public string Id { get; } = id;

    /// <summary>The draws as asked (Reserve) or answered (Decide).</summary>
    public IReadOnlyList<HistoryDraw> Draws { get; set; } = [];

    /// <summary>Acknowledged answers to Reserve (or a reserving Decide): outcome, expiry, completion time.</summary>
    public List<(string Outcome, long? ExpiresMicros, long CompleteMicros)> ReserveAnswers { get; } = [];

    /// <summary>First time a Commit (or Confirm) was sent; null when none was.</summary>
    public long? CommitInvoked { get; set; }

    /// <summary>First time a Release (or Cancel) was sent.</summary>
    public long? ReleaseInvoked { get; set; }

    /// <summary>The state an acknowledged Commit (Confirm) answered.</summary>
    public string? CommitAnswer { get; set; }

    /// <summary>The state an acknowledged Release (Cancel) answered.</summary>
    public string? ReleaseAnswer { get; set; }

    /// <summary>Acknowledged as RESERVED: the service promised to hold it.</summary>
    public bool Acknowledged => ReserveAnswers.Count > 0 && ReserveAnswers[0].Outcome == States.Reserved;

    /// <summary>When it was first acknowledged (µs).</summary>
    public long AcknowledgedAt => ReserveAnswers.Min(a => a.CompleteMicros);

    /// <summary>When it returns by itself if still pending (µs, service clock); long.MaxValue when unknown.</summary>
    public long ExpiresAt => ReserveAnswers.Select(a => a.ExpiresMicros ?? long.MaxValue).DefaultIfEmpty(long.MaxValue).Min();

    /// <summary>Builds the per-reservation view of a history (Decisions calls mapped to their reservation ids).</summary>
    public static IReadOnlyDictionary<string, ReservationHistory> From(IEnumerable<HistoryEvent> history)
    {
        var byId = new Dictionary<string, ReservationHistory>(StringComparer.Ordinal);
        var orderReservation = new Dictionary<string, string>(StringComparer.Ordinal);
        var settles = new List<HistoryEvent>();
        ReservationHistory Of(string id) => byId.TryGetValue(id, out var r) ? r : byId[id] = new ReservationHistory(id);

        foreach (var e in history)
        {
            switch (e.Op)
            {
                case Ops.Reserve:
                    var reserve = Of(e.Id);
                    reserve.Draws = e.Draws ?? reserve.Draws;
                    if (e.IsOk)
                    {
                        reserve.ReserveAnswers.Add((e.Outcome ?? "", e.ExpiresMicros, e.CompleteMicros));
                    }

                    break;
                case Ops.Decide when e.IsOk && !string.IsNullOrEmpty(e.ReservationId):
                    var decided = Of(e.ReservationId);
                    decided.Draws = e.Draws ?? [];
                    decided.ReserveAnswers.Add((States.Reserved, e.ExpiresMicros, e.CompleteMicros));
                    orderReservation[e.Id] = e.ReservationId;
                    break;
                case Ops.Commit:
                case Ops.Release:
                    Settle(Of(e.Id), e, e.Op == Ops.Commit);
                    break;
                case Ops.Confirm:
                case Ops.Cancel:
                    settles.Add(e);
                    break;
            }
        }

        // Confirm and Cancel name the order; its reservation is the one the acknowledged Decide answered.
        foreach (var e in settles)
        {
            var reservationId = !string.IsNullOrEmpty(e.ReservationId) ? e.ReservationId : orderReservation.GetValueOrDefault(e.Id);
            if (reservationId is not null)
            {
                Settle(Of(reservationId), e, e.Op == Ops.Confirm);
            }
        }

        return byId;
    }

    private static void Settle(ReservationHistory reservation, HistoryEvent e, bool commit)
    {
        if (commit)
        {
            reservation.CommitInvoked = Math.Min(reservation.CommitInvoked ?? long.MaxValue, e.InvokeMicros);
            if (e.IsOk)
            {
                reservation.CommitAnswer ??= e.State;
            }
        }
        else
        {
            reservation.ReleaseInvoked = Math.Min(reservation.ReleaseInvoked ?? long.MaxValue, e.InvokeMicros);
            if (e.IsOk)
            {
                reservation.ReleaseAnswer ??= e.State;
            }
        }
    }
}
