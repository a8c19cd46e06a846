using Grpc.Core;

namespace Diffusion.Grpc.Framing;

/// <summary>
/// Metadata ⇄ HTTP/2 header values ("Custom-Metadata"): binary (<c>-bin</c>) values are base64; receivers accept
/// padded and unpadded base64, senders emit unpadded, as the spec recommends.
/// </summary>
internal static class MetadataHeaders
{
    public static string ToHeaderValue(Metadata.Entry entry) => entry.IsBinary
        ? Convert.ToBase64String(entry.ValueBytesUnsafe).TrimEnd('=')
        : entry.Value;

    /// <summary>Adds one received header to <paramref name="metadata"/> unless it is protocol-reserved.</summary>
    public static void AddFromHeader(Metadata metadata, string key, string? value)
    {
        if (value is null || GrpcProtocol.IsReservedHeader(key))
        {
            return;
        }

        var lowered = key.ToLowerInvariant();
        if (Metadata.Entry.HasBinarySuffix(lowered))
        {
            // A repeated binary header arrives comma-joined by HTTP stacks; each part is one value.
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                metadata.Add(lowered, DecodeBase64(part));
            }
        }
        else if (value.All(static c => c is >= ' ' and <= '~'))
        {
            metadata.Add(lowered, value);
        }
    }

    private static byte[] DecodeBase64(string value)
    {
        var padded = (value.Length % 4) switch
        {
            2 => value + "==",
            3 => value + "=",
            _ => value,
        };

        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            // Spec: a value that does not decode is not a reason to fail the call; keep the raw bytes.
            return System.Text.Encoding.ASCII.GetBytes(value);
        }
    }
}
