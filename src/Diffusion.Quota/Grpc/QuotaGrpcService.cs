using Diffusion.Quota.Reservations;
using Diffusion.Quota.V1;
using Diffusion.ServiceDefaults;
using Diffusion.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Diffusion.Quota.Grpc;

/// <summary>
/// The gRPC adapter of the quota service: validates the request's shape, calls <see cref="QuotaEngine"/>, maps back.
/// Outcomes (reserved, insufficient, unknown bucket) are answers; statuses are for malformed requests
/// (INVALID_ARGUMENT naming the field), unknown ids (NOT_FOUND), a reused id (ALREADY_EXISTS), a commit of a
/// reservation that is no longer pending (FAILED_PRECONDITION naming its state) and Redis or the ledger being
/// unavailable (UNAVAILABLE: retrying with the same reservation_id is safe).
/// </summary>
public sealed class QuotaGrpcService : QuotaService.QuotaServiceBase
{
    private readonly QuotaEngine engine;
    private readonly IOptions<QuotaOptions> options;

    internal QuotaGrpcService(QuotaEngine engine, IOptions<QuotaOptions> options)
    {
        this.engine = engine;
        this.options = options;
    }

    /// <inheritdoc />
    public override Task<ReserveResponse> Reserve(ReserveRequest request, ServerCallContext context) =>
        RunAsync(async () => (await engine.ReserveAsync(request.ToCommand(options.Value), context.CancellationToken)).ToProto());

    /// <inheritdoc />
    public override Task<CommitResponse> Commit(CommitRequest request, ServerCallContext context) =>
        TransitionAsync(request.ReservationId, engine.CommitAsync, (state, balances) =>
        {
            var response = new CommitResponse { State = state };
            response.Balances.AddRange(balances);
            return response;
        }, context);

    /// <inheritdoc />
    public override Task<ReleaseResponse> Release(ReleaseRequest request, ServerCallContext context) =>
        TransitionAsync(request.ReservationId, engine.ReleaseAsync, (state, balances) =>
        {
            var response = new ReleaseResponse { State = state };
            response.Balances.AddRange(balances);
            return response;
        }, context);

    /// <inheritdoc />
    public override Task<GetBalanceResponse> GetBalance(GetBalanceRequest request, ServerCallContext context) =>
        RunAsync(async () =>
        {
            QuotaRequestValidation.RequireBucket(request.BucketId, "bucket_id");
            QuotaRequestValidation.RequireText(request.RuleSet, "rule_set", QuotaRequestValidation.MaxIdLength);
            return (await engine.GetBalanceAsync(request.BucketId, request.RuleSet, context.CancellationToken)).ToGetBalanceResponse();
        });

    /// <inheritdoc />
    public override Task<SetAllocationResponse> SetAllocation(SetAllocationRequest request, ServerCallContext context) =>
        RunAsync(async () =>
        {
            QuotaRequestValidation.RequireBucket(request.BucketId, "bucket_id");
            QuotaRequestValidation.RequireCap(request.Cap);
            QuotaRequestValidation.RequireReason(request.Reason);
            QuotaRequestValidation.RequireText(request.Actor, "actor", QuotaRequestValidation.MaxIdLength);
            // Who changed a cap is the authenticated caller, never what the request (or a header) claims
            // (docs/quota-invariants.md, invariant 6): a claim naming someone else is refused, not recorded.
            var actor = CallerIdentity.Subject(context);
            if (request.Actor.Length > 0 && !string.Equals(request.Actor, actor, StringComparison.Ordinal))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument,
                    $"actor: {RequestText.Quote(request.Actor)} is not the authenticated caller; the change is recorded as the token's subject (leave actor empty)"));
            }

            var answer = await engine.SetAllocationAsync(request.BucketId, request.Cap, actor, request.Reason.Trim(), context.CancellationToken);
            return new SetAllocationResponse
            {
                Balance = answer.Balance.ToProto(),
                PreviousCap = answer.PreviousCap ?? -1,
                ChangedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(answer.ChangedAt),
            };
        });

    /// <inheritdoc />
    public override Task<ListBucketsResponse> ListBuckets(ListBucketsRequest request, ServerCallContext context) =>
        RunAsync(async () =>
        {
            QuotaRequestValidation.RequireText(request.Prefix, "prefix", QuotaRequestValidation.MaxIdLength);
            QuotaRequestValidation.RequireText(request.RuleSet, "rule_set", QuotaRequestValidation.MaxIdLength);
            var response = new ListBucketsResponse();
            response.Balances.AddRange((await engine.ListBucketsAsync(request.Prefix, request.RuleSet, context.CancellationToken)).Select(b => b.ToProto()));
            return response;
        });

    /// <inheritdoc />
    public override Task<V1.Reservation> GetReservation(GetReservationRequest request, ServerCallContext context) =>
        RunAsync(async () =>
        {
            QuotaRequestValidation.RequireId(request.ReservationId, "reservation_id");
            return (await engine.GetReservationAsync(request.ReservationId, context.CancellationToken)).ToProto();
        });

    /// <inheritdoc />
    public override Task<CheckConsistencyResponse> CheckConsistency(CheckConsistencyRequest request, ServerCallContext context) =>
        RunAsync(async () =>
        {
            var (differences, checkedCount) = await engine.CheckConsistencyAsync(context.CancellationToken);
            var response = new CheckConsistencyResponse { Consistent = differences.Count == 0, BucketsChecked = checkedCount };
            response.Discrepancies.AddRange(differences.Select(d => new V1.Discrepancy
            {
                BucketId = d.BucketId,
                Field = d.Field,
                RedisValue = d.RedisValue,
                LedgerValue = d.LedgerValue,
            }));
            return response;
        });

    private static Task<T> TransitionAsync<T>(
        string reservationId,
        Func<string, CancellationToken, Task<TransitionAnswer>> transition,
        Func<V1.ReservationState, IEnumerable<Balance>, T> respond,
        ServerCallContext context) =>
        RunAsync(async () =>
        {
            QuotaRequestValidation.RequireId(reservationId, "reservation_id");
            var answer = await transition(reservationId, context.CancellationToken);
            return respond(answer.State.ToProto(), answer.Balances.Select(b => b.ToProto()));
        });

    private static async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (QuotaException e)
        {
            throw e.ToRpcException();
        }
    }
}
