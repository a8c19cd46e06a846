using Diffusion.LoadTest.History;

namespace Diffusion.LoadTest.Checking;

/// <summary>What the system holds after the run, read back from Quota (its ledger and its Redis view).</summary>
/// <param name="Reservations">Each reservation id the history names: its record, or null when Quota does not know it.</param>
/// <param name="Balances">Each bucket the history names that Quota knows.</param>
/// <param name="RedisLedgerDifferences">What CheckConsistency reported (empty: Redis agrees with the ledger).</param>
internal sealed record FinalState(
    IReadOnlyDictionary<string, FinalReservation?> Reservations,
    IReadOnlyDictionary<string, FinalBalance> Balances,
    IReadOnlyList<string> RedisLedgerDifferences);

/// <summary>A reservation as the ledger records it.</summary>
/// <param name="State">PENDING, COMMITTED, RELEASED, EXPIRED or REFUSED.</param>
/// <param name="Draws">What it draws, as recorded.</param>
/// <param name="ExpiresMicros">When it returns by itself if pending (µs since the Unix epoch, Quota's clock).</param>
/// <param name="ReadAtMicros">
/// When its answer arrived (worker clock, µs since the Unix epoch): the state is at most that recent. Reading a million
/// reservations takes many minutes, so each one's state is judged against its own read, never the start of the reading.
/// </param>
internal sealed record FinalReservation(string State, IReadOnlyList<HistoryDraw> Draws, long ExpiresMicros, long ReadAtMicros);

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
