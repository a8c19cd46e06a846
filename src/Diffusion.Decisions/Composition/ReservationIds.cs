namespace Diffusion.Decisions.Composition;

/// <summary>
/// Reservation ids derived from the order id, so a retried Decide lands on the same reservations and gets the same
/// answers from Quota. Round n is the n-th plan tried for the order: a refused plan (a bucket too small) is followed by
/// the next one (LPP, then the country allocation; a China share that cannot cover the order, then none), each under its own id.
/// </summary>
internal static class ReservationIds
{
    /// <summary>At most this many plans: every refused round rules out at least one of the four draw mechanisms.</summary>
    public const int MaxRounds = 5;

    /// <summary>The reservation id of one round of an order.</summary>
    public static string For(string orderId, int round) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"order/{orderId}/{round}");
}
