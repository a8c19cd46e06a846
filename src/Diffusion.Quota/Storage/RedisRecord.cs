using System.Globalization;
using System.Runtime.CompilerServices;
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
    public static string Format(ReservationState state, ReserveOutcome outcome, Guid token, DateTimeOffset expiresAt, long epoch, IReadOnlyList<Draw> draws, string fingerprint)
    {
        var text = Text(stackalloc char[StackChars]);
        text.AppendFormatted((int)state);
        text.AppendFormatted(Separator);
        text.AppendFormatted((int)outcome);
        text.AppendFormatted(Separator);
        AppendTail(ref text, token, expiresAt, epoch, draws, fingerprint);
        return text.ToStringAndClear();
    }

    /// <summary>The record after its state and outcome (what the Reserve script completes once it has decided them).</summary>
    public static string Tail(Guid token, DateTimeOffset expiresAt, long epoch, IReadOnlyList<Draw> draws, string fingerprint)
    {
        var text = Text(stackalloc char[StackChars]);
        AppendTail(ref text, token, expiresAt, epoch, draws, fingerprint);
        return text.ToStringAndClear();
    }

    /// <summary>
    /// Characters formatted on the stack before the text moves to a pooled array: a rebuild formats a million records,
    /// and a stack buffer with one string at the end took half the time of a StringBuilder there (docs/benchmarks.md).
    /// </summary>
    private const int StackChars = 256;

    private static DefaultInterpolatedStringHandler Text(Span<char> buffer) => new(0, 0, CultureInfo.InvariantCulture, buffer);

    private static void AppendTail(ref DefaultInterpolatedStringHandler text, Guid token, DateTimeOffset expiresAt, long epoch, IReadOnlyList<Draw> draws, string fingerprint)
    {
        text.AppendFormatted(token, "N");
        text.AppendFormatted(Separator);
        text.AppendFormatted(expiresAt.ToUnixTimeMilliseconds());
        text.AppendFormatted(Separator);
        text.AppendFormatted(epoch);
        text.AppendFormatted(Separator);
        text.AppendFormatted(draws.Count);
        foreach (var draw in draws)
        {
            text.AppendFormatted(Separator);
            text.AppendFormatted(draw.BucketId);
            text.AppendFormatted(Separator);
            text.AppendFormatted(draw.Tpp);
        }

        text.AppendFormatted(Separator);
        text.AppendFormatted(fingerprint);
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
