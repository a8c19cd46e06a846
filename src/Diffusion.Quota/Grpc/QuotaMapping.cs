using Diffusion.Quota.Reservations;
using Diffusion.Rules.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Proto = Diffusion.Quota.V1;

namespace Diffusion.Quota.Grpc;

/// <summary>Domain -> proto mapping of the quota service.</summary>
internal static class QuotaMapping
{
    public static Proto.Balance ToProto(this BucketBalance balance) => new()
    {
        BucketId = balance.BucketId,
        Cap = balance.Cap,
        Committed = balance.Committed,
        Pending = balance.Pending,
        Available = balance.Available,
    };

    public static Proto.GetBalanceResponse ToGetBalanceResponse(this BucketBalance balance) => new()
    {
        BucketId = balance.BucketId,
        Cap = balance.Cap,
        Committed = balance.Committed,
        Pending = balance.Pending,
        Available = balance.Available,
    };

    public static Proto.ReserveResponse ToProto(this ReserveAnswer answer)
    {
        var response = new Proto.ReserveResponse
        {
            ReservationId = answer.ReservationId,
            Outcome = (Proto.ReserveOutcome)(int)answer.Outcome,
            ExpiresAt = answer.Outcome == ReserveOutcome.Reserved ? Timestamp.FromDateTimeOffset(answer.ExpiresAt) : null,
        };
        response.Balances.AddRange(answer.Balances.Select(b => b.ToProto()));
        response.Reasons.AddRange(answer.Reasons.Select(r => r.ToProto()));
        return response;
    }

    public static Proto.ReservationState ToProto(this ReservationState state) => (Proto.ReservationState)(int)state;

    public static Proto.Reservation ToProto(this Reservation reservation)
    {
        var result = new Proto.Reservation
        {
            ReservationId = reservation.Id,
            State = reservation.State.ToProto(),
            ExpiresAt = Timestamp.FromDateTimeOffset(reservation.ExpiresAt),
            CreatedAt = Timestamp.FromDateTimeOffset(reservation.CreatedAt),
        };
        result.Draws.AddRange(reservation.Draws.Select(d => new Proto.Draw { BucketId = d.BucketId, Tpp = d.Tpp }));
        return result;
    }

    public static RpcException ToRpcException(this QuotaException exception) => new(new Status(
        exception.Kind switch
        {
            QuotaErrorKind.InvalidArgument => StatusCode.InvalidArgument,
            QuotaErrorKind.NotFound => StatusCode.NotFound,
            QuotaErrorKind.AlreadyExists => StatusCode.AlreadyExists,
            QuotaErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
            QuotaErrorKind.ResourceExhausted => StatusCode.ResourceExhausted,
            _ => StatusCode.Unavailable,
        },
        exception.Message));
}
