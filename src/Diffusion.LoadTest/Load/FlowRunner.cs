using Diffusion.Decisions.V1;
using Diffusion.LoadTest.History;
using Diffusion.Quota.V1;
using Grpc.Core;

namespace Diffusion.LoadTest.Load;

/// <summary>Runs one <see cref="FlowPlan"/>: its calls one after another, each through <see cref="Calls"/>.</summary>
internal sealed class FlowRunner(Calls calls, QuotaService.QuotaServiceClient quota, DecisionService.DecisionServiceClient? decisions)
{
    /// <summary>Runs the flow; its first call's latency counts from <paramref name="intendedMicros"/>, later calls' from their own start.</summary>
    public Task RunAsync(FlowPlan plan, long intendedMicros, CancellationToken cancellationToken) => plan switch
    {
        QuotaFlowPlan q => QuotaFlowAsync(q, intendedMicros, cancellationToken),
        DecideFlowPlan d => DecideFlowAsync(d, intendedMicros, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(plan)),
    };

    private async Task QuotaFlowAsync(QuotaFlowPlan plan, long intendedMicros, CancellationToken cancellationToken)
    {
        var request = new ReserveRequest { ReservationId = plan.Id, TtlSeconds = plan.TtlSeconds };
        request.Draws.AddRange(plan.Draws.Select(d => new Draw { BucketId = d.Bucket, Tpp = d.Tpp }));
        var (answer, _) = await ReserveAsync(request, plan.Draws, intendedMicros, cancellationToken);
        if (answer is null)
        {
            return;
        }

        if (plan.Duplicate)
        {
            await ReserveAsync(request, plan.Draws, Clock.NowMicros(), cancellationToken);
        }

        if (answer.Outcome != ReserveOutcome.Reserved || plan.Then == FollowUp.Leave)
        {
            return;
        }

        if (plan.Then == FollowUp.Commit)
        {
            await calls.RunAsync(Ops.Commit, plan.Id, Clock.NowMicros(),
                o => quota.CommitAsync(new CommitRequest { ReservationId = plan.Id }, o),
                (a, e) => e with { State = a is null ? null : Names.Of(a.State) },
                cancellationToken);
        }
        else
        {
            await calls.RunAsync(Ops.Release, plan.Id, Clock.NowMicros(),
                o => quota.ReleaseAsync(new ReleaseRequest { ReservationId = plan.Id }, o),
                (a, e) => e with { State = a is null ? null : Names.Of(a.State) },
                cancellationToken);
        }
    }

    private Task<(ReserveResponse? Answer, StatusCode Status)> ReserveAsync(ReserveRequest request, IReadOnlyList<HistoryDraw> draws, long fromMicros, CancellationToken cancellationToken) =>
        calls.RunAsync(Ops.Reserve, request.ReservationId, fromMicros,
            o => quota.ReserveAsync(request, o),
            (a, e) => e with
            {
                Draws = draws,
                Outcome = a is null ? null : Names.Of(a.Outcome),
                ExpiresMicros = a?.ExpiresAt is { } at && a.Outcome == ReserveOutcome.Reserved ? Clock.Micros(at.ToDateTimeOffset()) : null,
            },
            cancellationToken);

    private async Task DecideFlowAsync(DecideFlowPlan plan, long intendedMicros, CancellationToken cancellationToken)
    {
        var op = plan.Hostile ? Ops.Hostile : plan.Order.DryRun ? Ops.DecideDryRun : Ops.Decide;
        var (answer, _) = await calls.RunAsync(op, plan.Order.OrderId, intendedMicros,
            o => decisions!.DecideAsync(plan.Order, o),
            (a, e) => e with
            {
                ReservationId = a?.ReservationId ?? "",
                Outcome = a is null ? null : Names.Of(a.Outcome),
                Draws = a is null ? null : [.. a.Draws.Select(d => new HistoryDraw(d.BucketId, d.Tpp))],
                ExpiresMicros = a?.ReservationExpiresAt is { } at ? Clock.Micros(at.ToDateTimeOffset()) : null,
            },
            cancellationToken);
        if (answer is null || string.IsNullOrEmpty(answer.ReservationId) || plan.Then == FollowUp.Leave)
        {
            return;
        }

        var orderId = plan.Order.OrderId;
        if (plan.Then == FollowUp.Commit)
        {
            await calls.RunAsync(Ops.Confirm, orderId, Clock.NowMicros(),
                o => decisions!.ConfirmAsync(new ConfirmRequest { OrderId = orderId }, o),
                (a, e) => e with { ReservationId = a?.ReservationId, State = a is null ? null : Names.Of(a.State) },
                cancellationToken);
        }
        else
        {
            await calls.RunAsync(Ops.Cancel, orderId, Clock.NowMicros(),
                o => decisions!.CancelAsync(new CancelRequest { OrderId = orderId }, o),
                (a, e) => e with { ReservationId = a?.ReservationId, State = a is null ? null : Names.Of(a.State) },
                cancellationToken);
        }
    }
}
