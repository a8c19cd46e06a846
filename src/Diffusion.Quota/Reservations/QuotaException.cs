namespace Diffusion.Quota.Reservations;

/// <summary>Why a quota operation could not be answered; the gRPC adapter maps each to a status code.</summary>
public enum QuotaErrorKind
{
    /// <summary>The request is malformed; the message starts with the field name.</summary>
    InvalidArgument,

    /// <summary>The reservation or bucket does not exist.</summary>
    NotFound,

    /// <summary>The reservation id was used before for different draws.</summary>
    AlreadyExists,

    /// <summary>The reservation is not in a state that allows the operation (e.g. commit after expiry).</summary>
    FailedPrecondition,

    /// <summary>Redis or the ledger cannot answer now (rebuilding, down); retrying later is safe.</summary>
    Unavailable,

    /// <summary>This replica has as many operations in flight to the ledger as it admits; nothing was changed, retry later.</summary>
    ResourceExhausted,
}

/// <summary>A quota operation that could not be answered, with the reason kind and a message naming the field.</summary>
public sealed class QuotaException(QuotaErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Which kind of failure.</summary>
    public QuotaErrorKind Kind { get; } = kind;
}
