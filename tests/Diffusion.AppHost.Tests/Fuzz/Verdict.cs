using System.Text;
using Grpc.Core;

namespace Diffusion.AppHost.Tests.Fuzz;

/// <summary>
/// What a service may answer a hostile request (issue 16): never UNKNOWN (an unhandled exception), never INTERNAL for a
/// well-formed message, never UNAVAILABLE while every store is up, no DEADLINE_EXCEEDED or CANCELLED unless the caller
/// gave a deadline too short to meet, and never a grpc-message over 1 KiB as sent on the wire (clients read at most
/// 8 KiB of headers, shared with every other header of the response).
/// </summary>
internal static class Verdict
{
    /// <summary>Most bytes of a grpc-message header, percent-encoded as on the wire.</summary>
    public const int MaxMessageBytes = 1024;

    /// <summary>What is wrong with this answer, or null when nothing is.</summary>
    public static string? Problem(FuzzCase request, Status status)
    {
        var encoded = EncodedLength(status.Detail);
        if (encoded > MaxMessageBytes)
        {
            return $"{status.StatusCode} with a {encoded}-byte grpc-message";
        }

        return status.StatusCode switch
        {
            StatusCode.Unknown => "UNKNOWN",
            StatusCode.Internal when request.WellFormed => "INTERNAL for a well-formed message",
            StatusCode.Unavailable => "UNAVAILABLE while every store is up",
            StatusCode.DeadlineExceeded or StatusCode.Cancelled when !request.ShortDeadline => $"{status.StatusCode} within a {request.Deadline.TotalSeconds} s deadline",
            StatusCode.Unimplemented or StatusCode.DataLoss or StatusCode.Unauthenticated or StatusCode.PermissionDenied => status.StatusCode.ToString(),
            _ => null,
        };
    }

    /// <summary>grpc-message's length on the wire: UTF-8, every byte outside printable ASCII (and '%') as %XX.</summary>
    public static int EncodedLength(string message) =>
        Encoding.UTF8.GetBytes(message).Sum(b => b is >= 0x20 and <= 0x7e and not (byte)'%' ? 1 : 3);
}
