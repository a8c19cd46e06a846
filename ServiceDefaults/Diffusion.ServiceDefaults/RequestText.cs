using System.Globalization;
using System.Text;

namespace Diffusion.ServiceDefaults;

/// <summary>
/// Shape checks shared by every service's validation layer for the strings a caller sends, and the one way an error
/// message quotes them. A string that fails here never reaches a store or a downstream call: PostgreSQL refuses NUL,
/// and a message that echoed a 100 kB field whole would exceed what a client reads in a header (8 KiB).
/// </summary>
public static class RequestText
{
    /// <summary>Most characters in an identifier (reservation, bucket, VEU, deployment, event, consignee, order ids).</summary>
    public const int MaxIdLength = 200;

    /// <summary>Most characters in free text (names, reasons, notes).</summary>
    public const int MaxTextLength = 1000;

    /// <summary>Most characters of a caller's value quoted in an error message.</summary>
    public const int MaxQuoted = 64;

    /// <summary>
    /// What is wrong with <paramref name="value"/> as a field of at most <paramref name="maxLength"/> characters free of
    /// control characters (NUL included), or null when nothing is. Emptiness is the caller's own rule.
    /// </summary>
    public static string? Problem(string value, int maxLength = MaxIdLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > maxLength)
        {
            return $"at most {maxLength} characters, was {value.Length}";
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]) || char.IsSurrogate(value[i]) && !IsPairedSurrogate(value, i))
            {
                return $"must not contain control characters or unpaired surrogates (U+{(int)value[i]:X4} at index {i})";
            }
        }

        return null;
    }

    /// <summary>
    /// <paramref name="value"/> for an error message: in single quotes, at most <see cref="MaxQuoted"/> characters,
    /// control and non-ASCII characters escaped as \uXXXX, "..." when cut.
    /// </summary>
    public static string Quote(string? value)
    {
        value ??= "";
        var builder = new StringBuilder(MaxQuoted + 8).Append('\'');
        var shown = Math.Min(value.Length, MaxQuoted);
        for (var i = 0; i < shown; i++)
        {
            var c = value[i];
            if (c is >= ' ' and <= '~' and not '\\' and not '\'')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        if (value.Length > shown)
        {
            builder.Append("...");
        }

        return builder.Append('\'').ToString();
    }

    private static bool IsPairedSurrogate(string value, int i) =>
        char.IsHighSurrogate(value[i])
            ? i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])
            : i > 0 && char.IsHighSurrogate(value[i - 1]);
}
