using Diffusion.LoadTest.Checking;
using Diffusion.LoadTest.History;

namespace Diffusion.LoadTest.Tests;

/// <summary>Hand-written histories and final states, to plant exactly one violation (times in seconds).</summary>
internal static class Histories
{
    public const string Bucket = "lpp/lt-test-b000/2026";

    public static HistoryEvent SetCap(long cap) => new()
    {
        Op = Ops.SetAllocation, Worker = "w1", Id = Bucket, Cap = cap, Status = "OK", InvokeMicros = 0, CompleteMicros = 1,
    };

    public static HistoryEvent Reserved(string id, long tpp, double at, double expiresAt = 3600, string outcome = "RESERVED") => new()
    {
        Op = Ops.Reserve, Worker = "w1", Id = id, Draws = [new HistoryDraw(Bucket, tpp)], Status = "OK", Outcome = outcome,
        InvokeMicros = Micros(at) - 1000, CompleteMicros = Micros(at), ExpiresMicros = outcome == "RESERVED" ? Micros(expiresAt) : null,
    };

    public static HistoryEvent Unanswered(string id, long tpp, double at) => new()
    {
        Op = Ops.Reserve, Worker = "w1", Id = id, Draws = [new HistoryDraw(Bucket, tpp)], Status = "UNAVAILABLE",
        InvokeMicros = Micros(at) - 1000, CompleteMicros = Micros(at),
    };

    public static HistoryEvent Settled(string op, string id, double at, string state, string status = "OK") => new()
    {
        Op = op, Worker = "w1", Id = id, Status = status, State = status == "OK" ? state : null,
        InvokeMicros = Micros(at), CompleteMicros = Micros(at) + 1000,
    };

    /// <summary>A final state holding <paramref name="reservations"/> (id, tpp, state) in <see cref="Bucket"/>, balances to match, each read at 100 s.</summary>
    public static FinalState Final(long cap, params (string Id, long Tpp, string State)[] reservations) => new(
        reservations.ToDictionary(r => r.Id, r => (FinalReservation?)new FinalReservation(r.State, [new HistoryDraw(Bucket, r.Tpp)], Micros(3600), ReadAtMicros: Micros(100))),
        new Dictionary<string, FinalBalance>
        {
            [Bucket] = new(Bucket, cap,
                reservations.Where(r => r.State == States.Committed).Sum(r => r.Tpp),
                reservations.Where(r => r.State == States.Pending).Sum(r => r.Tpp)),
        },
        []);

    public static long Micros(double seconds) => (long)(seconds * 1_000_000);
}
