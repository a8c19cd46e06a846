namespace Grpc.Core;

/// <summary>
/// Thrown by clients when a call ends with a status other than OK, and by service handlers to end a call with
/// a given status (and optional trailers).
/// </summary>
public class RpcException : Exception
{
    /// <summary>Creates an exception carrying <paramref name="status"/>.</summary>
    public RpcException(Status status)
        : this(status, Metadata.Empty, status.ToString())
    {
    }

    /// <summary>Creates an exception carrying <paramref name="status"/> with a custom exception message.</summary>
    public RpcException(Status status, string message)
        : this(status, Metadata.Empty, message)
    {
    }

    /// <summary>Creates an exception carrying <paramref name="status"/> and trailers.</summary>
    public RpcException(Status status, Metadata trailers)
        : this(status, trailers, status.ToString())
    {
    }

    /// <summary>Creates an exception carrying <paramref name="status"/>, trailers and a custom exception message.</summary>
    public RpcException(Status status, Metadata trailers, string message)
        : base(message, status.DebugException)
    {
        ArgumentNullException.ThrowIfNull(trailers);
        Status = status;
        Trailers = trailers;
    }

    /// <summary>The call's status.</summary>
    public Status Status { get; }

    /// <summary>The call's status code.</summary>
    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>The trailers the call ended with (empty when there were none).</summary>
    public Metadata Trailers { get; }
}
