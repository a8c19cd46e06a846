using System.Text;

namespace Diffusion.LoadTest.Load;

/// <summary>Enum values as the protos spell them without their prefix: <c>ReserveOutcome.UnknownBucket</c> → UNKNOWN_BUCKET, <c>StatusCode.OK</c> → OK.</summary>
internal static class Names
{
    public static string Of<T>(T value) where T : struct, Enum
    {
        var text = value.ToString();
        var name = new StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            if (i > 0 && char.IsUpper(text[i]) && char.IsLower(text[i - 1]))
            {
                name.Append('_');
            }

            name.Append(char.ToUpperInvariant(text[i]));
        }

        return name.ToString();
    }
}
