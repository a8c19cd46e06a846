using System.Globalization;
using System.Text;
using Diffusion.Common.V1;
using Grpc.Core;

namespace Diffusion.Rules.Hosting;

/// <summary>A gRPC status as <c>diffusion.common.v1.ItemError</c>, the error of one item of a batch or stream, and back.</summary>
public static class ItemErrors
{
    /// <summary>The code, its canonical name (INVALID_ARGUMENT) and the detail of <paramref name="status"/>.</summary>
    public static ItemError ToItemError(this Status status) => new()
    {
        Code = (int)status.StatusCode,
        Status = CanonicalName(status.StatusCode),
        Message = status.Detail,
    };

    /// <summary>The status an item error stands for.</summary>
    public static Status ToStatus(this ItemError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new Status((StatusCode)error.Code, error.Message);
    }

    // StatusCode.InvalidArgument -> "INVALID_ARGUMENT", the name google.rpc.Code and gRPC's status table use.
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
