using Diffusion.LoadTest.History;

namespace Diffusion.LoadTest.Checking;

/// <summary>What the system holds after the run, read back from Quota (its ledger and its Redis view).</summary>
/// <param name="Reservations">Each reservation id the history names: its record, or null when Quota does not know it.</param>
/// <param name="Balances">Each bucket the history names that Quota knows.</param>
/// <param name="RedisLedgerDifferences">What CheckConsistency reported (empty: Redis agrees with the ledger).</param>
/// <param name="ReadAtMicros">When the reading began (worker clock, µs since the Unix epoch).</param>
internal sealed record FinalState(
    IReadOnlyDictionary<string, FinalReservation?> Reservations,
    IReadOnlyDictionary<string, FinalBalance> Balances,
    IReadOnlyList<string> RedisLedgerDifferences,
    long ReadAtMicros);

/// <summary>A reservation as the ledger records it.</summary>
/// <param name="State">PENDING, COMMITTED, RELEASED, EXPIRED or REFUSED.</param>
/// <param name="Draws">What it draws, as recorded.</param>
/// <param name="ExpiresMicros">When it returns by itself if pending (µs since the Unix epoch, Quota's clock).</param>
internal sealed record FinalReservation(string State, IReadOnlyList<HistoryDraw> Draws, long ExpiresMicros);

/// <summary>A bucket's amounts in whole TPP.</summary>
internal sealed record FinalBalance(string Bucket, long Cap, long Committed, long Pending);

/// <summary>Reservation states as the proto names them (without the RESERVATION_STATE_ prefix).</summary>
internal static class States
{
    public const string Pending = "PENDING";
    public const string Committed = "COMMITTED";
    public const string Released = "RELEASED";
    public const string Expired = "EXPIRED";
    public const string Refused = "REFUSED";
    public const string Reserved = "RESERVED";
}
