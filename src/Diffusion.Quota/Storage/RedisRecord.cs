using System.Globalization;
using System.Text;
using Diffusion.Quota.Reservations;

namespace Diffusion.Quota.Storage;

/// <summary>
/// A reservation's Redis record (<c>q:r:&lt;reservation&gt;</c>) as one string value: its fields in a fixed order, each
/// followed by a tab except the last. One string instead of a hash lets a rebuild load 1,000 records with one MSET
/// (docs/benchmarks.md, "Rebuild of Redis from the ledger"). The layout is written here and read here only; the Lua
/// scripts prefix the state and outcome they decide (<see cref="RedisScripts.Reserve"/>) and change the state
/// (<see cref="RedisScripts.Apply"/>), which is why the state comes first.
/// </summary>
/// <remarks>
/// Layout: <c>state \t outcome \t token \t expires-at \t epoch \t n \t bucket1 \t tpp1 ... bucketN \t tppN \t fingerprint</c>
/// (state and outcome as the numbers of <see cref="ReservationState"/> and <see cref="ReserveOutcome"/>, token as 32 hex
/// digits, expires-at in Unix ms), e.g. <c>1\t1\t5f0c...\t1764763200000\t3\t1\tlpp/c/2026\t7\tlpp/c/2026=7</c> (\t: a tab).
/// The separator is the tab: reservation and bucket ids pass <c>RequestText.Problem</c> in Quota's request validation,
/// which refuses every control character (U+0009 included), the token is hex, the numbers are digits, and the
/// fingerprint joins "bucket=tpp" with newlines, never tabs.
/// </remarks>
internal static class RedisRecord
{
    /// <summary>The separator between fields (see the remarks for why no field can contain it).</summary>
    public const char Separator = '\t';

    /// <summary>Fields before the draws: state, outcome, token, expires-at, epoch, draw count.</summary>
    private const int Fixed = 6;

    /// <summary>The whole record.</summary>
    public static string Format(ReservationState state, ReserveOutcome outcome, Guid token, DateTimeOffset expiresAt, long epoch, IReadOnlyList<Draw> draws, string fingerprint) =>
        AppendTail(
            Builder(draws, fingerprint).Append(CultureInfo.InvariantCulture, $"{(int)state}{Separator}{(int)outcome}{Separator}"),
            token, expiresAt, epoch, draws, fingerprint).ToString();

    /// <summary>The record after its state and outcome (what the Reserve script completes once it has decided them).</summary>
    public static string Tail(Guid token, DateTimeOffset expiresAt, long epoch, IReadOnlyList<Draw> draws, string fingerprint) =>
        AppendTail(Builder(draws, fingerprint), token, expiresAt, epoch, draws, fingerprint).ToString();

    private static StringBuilder Builder(IReadOnlyList<Draw> draws, string fingerprint) => new(64 + 48 * draws.Count + fingerprint.Length);

    private static StringBuilder AppendTail(StringBuilder builder, Guid token, DateTimeOffset expiresAt, long epoch, IReadOnlyList<Draw> draws, string fingerprint)
    {
        builder.Append(CultureInfo.InvariantCulture, $"{token:N}{Separator}{expiresAt.ToUnixTimeMilliseconds()}{Separator}{epoch}{Separator}{draws.Count}{Separator}");
        foreach (var draw in draws)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{draw.BucketId}{Separator}{draw.Tpp}{Separator}");
        }

        return builder.Append(fingerprint);
    }

    /// <summary>Reads a record written by <see cref="Format"/> or completed by the Reserve script.</summary>
    /// <exception cref="FormatException">The value is not a record of this layout.</exception>
    public static Reservation Parse(string reservationId, string value, DateTimeOffset now)
    {
        var fields = value.Split(Separator);
        var n = fields.Length > Fixed ? Int(fields[5]) : -1;
        if (n < 1 || fields.Length != Fixed + 2 * n + 1)
        {
            throw new FormatException($"the Redis record of reservation {reservationId} has {fields.Length} fields, not the layout of {nameof(RedisRecord)}");
        }

        var draws = new Draw[n];
        for (var i = 0; i < n; i++)
        {
            draws[i] = new Draw(fields[Fixed + 2 * i], Long(fields[Fixed + 2 * i + 1]));
        }

        return new Reservation(
            reservationId,
            Guid.ParseExact(fields[2], "N"),
            (ReservationState)Int(fields[0]),
            (ReserveOutcome)Int(fields[1]),
            fields[^1],
            DateTimeOffset.FromUnixTimeMilliseconds(Long(fields[3])),
            Long(fields[4]),
            draws,
            now);
    }

    private static int Int(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    private static long Long(string text) => long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}
