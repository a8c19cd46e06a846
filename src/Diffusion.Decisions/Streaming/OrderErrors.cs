using System.Globalization;
using System.Text;
using Diffusion.Decisions.V1;
using Grpc.Core;

namespace Diffusion.Decisions.Streaming;

/// <summary>A gRPC status as the per-order error of a stream answer.</summary>
internal static class OrderErrors
{
    /// <summary>The code, its canonical name (INVALID_ARGUMENT) and the detail of <paramref name="status"/>.</summary>
    public static OrderError Of(Status status) => new()
    {
        Code = (int)status.StatusCode,
        Status = CanonicalName(status.StatusCode),
        Message = status.Detail,
    };

    // StatusCode.InvalidArgument -> "INVALID_ARGUMENT", the name google.rpc.Code and grpc's status table use.
    private static string CanonicalName(StatusCode code)
    {
        var name = code.ToString();
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && char.IsLower(name[i - 1]))
            {
                text.Append('_');
            }

            text.Append(char.ToUpper(name[i], CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
