using System.Buffers;
using System.Text;

namespace Diffusion.Grpc.Framing;

/// <summary>
/// The <c>grpc-message</c> encoding ("Responses"): the UTF-8 bytes of the message, every byte outside
/// %x20-%x24 / %x26-%x7E written as <c>%XX</c>. Decoding is lenient: a malformed escape is kept as text, because
/// the spec asks receivers to tolerate what they cannot decode rather than fail the call.
/// </summary>
internal static class PercentEncoding
{
    public static string Encode(string value)
    {
        if (value.All(static c => IsUnreserved(c)))
        {
            return value;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (IsUnreserved((char)b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    public static string Decode(string value)
    {
        if (!value.Contains('%'))
        {
            return value;
        }

        var bytes = new ArrayBufferWriter<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length
                && Uri.IsHexDigit(value[i + 1]) && Uri.IsHexDigit(value[i + 2]))
            {
                bytes.GetSpan(1)[0] = (byte)((Uri.FromHex(value[i + 1]) << 4) | Uri.FromHex(value[i + 2]));
                bytes.Advance(1);
                i += 2;
            }
            else
            {
                var written = Encoding.UTF8.GetBytes([c], bytes.GetSpan(4));
                bytes.Advance(written);
            }
        }

        return Encoding.UTF8.GetString(bytes.WrittenSpan);
    }

    private static bool IsUnreserved(char c) => c is >= ' ' and <= '~' and not '%';
}
