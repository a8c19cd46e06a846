using Diffusion.Decisions.Audit;
using Diffusion.Decisions.Composition;
using Diffusion.Decisions.Streaming;
using Diffusion.Decisions.V1;
using Diffusion.ServiceDefaults.Security;
using Grpc.Core;

namespace Diffusion.Decisions.Grpc;

/// <summary>
/// The export-decision gateway: validates the order's shape and hands it to <see cref="OrderDecider"/>. Business
/// outcomes (denied, allocation used up) are answers; bad input is INVALID_ARGUMENT naming the field; a service it
/// needs being down is UNAVAILABLE, with nothing reserved. Decisions (not dry runs), confirmations and cancellations
/// are on the audit trail before they are answered (<see cref="DecisionAudit"/>).
/// </summary>
internal sealed class DecisionGrpcService(
    OrderDecider decider, OrderBookStream orderBook, VeuDeployments deployments, DecisionAudit audit, PartyScreening screening,
    DecisionRuleData ruleData, TimeProvider time)
    : DecisionService.DecisionServiceBase
{
    /// <inheritdoc/>
    public override async Task<DecideResponse> Decide(DecideRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        OrderValidation.Validate(request, requireOrderId: !request.DryRun);
        var decision = await decider.DecideAsync(request, ruleSetId: null, reserve: !request.DryRun, context.CancellationToken).ConfigureAwait(false);
        if (!request.DryRun)
        {
            await audit.RecordDecisionAsync(CallerIdentity.Subject(context), request, decision, context.CancellationToken).ConfigureAwait(false);
        }

        return decision;
    }

    /// <inheritdoc/>
    public override Task DecideStream(IAsyncStreamReader<DecideRequest> requestStream, IServerStreamWriter<DecideStreamResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return orderBook.RunAsync(requestStream, responseStream, CallerIdentity.Subject(context), context.CancellationToken);
    }

    /// <inheritdoc/>
    public override async Task<ConfirmResponse> Confirm(ConfirmRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        OrderValidation.ValidateOrderId(request.OrderId);
        // A newer restricted-party list may have matched the order since it was decided (re-screening): it may not ship.
        await screening.RequireStillClearAsync(request.OrderId, context.CancellationToken).ConfigureAwait(false);
        var (reservationId, state, draws) = await decider.SettleAsync(request.OrderId, commit: true, context.CancellationToken).ConfigureAwait(false);
        await screening.CloseAsync(request.OrderId, context.CancellationToken).ConfigureAwait(false);
        var response = new ConfirmResponse { OrderId = request.OrderId, ReservationId = reservationId, State = state };
        if (state == Diffusion.Quota.V1.ReservationState.Committed)
        {
            await deployments.RecordAsync(request.OrderId, reservationId, draws, response, context.CancellationToken).ConfigureAwait(false);
        }

        await audit.RecordSettlementAsync(CallerIdentity.Subject(context), confirmed: true, request.OrderId, reservationId, state, draws, context.CancellationToken).ConfigureAwait(false);
        return response;
    }

    /// <inheritdoc/>
    public override async Task<CancelResponse> Cancel(CancelRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        OrderValidation.ValidateOrderId(request.OrderId);
        var (reservationId, state, draws) = await decider.SettleAsync(request.OrderId, commit: false, context.CancellationToken).ConfigureAwait(false);
        await screening.CloseAsync(request.OrderId, context.CancellationToken).ConfigureAwait(false);
        await audit.RecordSettlementAsync(CallerIdentity.Subject(context), confirmed: false, request.OrderId, reservationId, state, draws, context.CancellationToken).ConfigureAwait(false);
        return new CancelResponse { OrderId = request.OrderId, ReservationId = reservationId, State = state };
    }

    /// <inheritdoc/>
    public override async Task<WhatIfResponse> WhatIf(WhatIfRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        OrderValidation.Validate(request.Order, requireOrderId: false, prefix: "order.");
        OrderValidation.ValidateRuleSets(request.RuleSets);
        var decisions = await Task.WhenAll(request.RuleSets.Select(ruleSet =>
            decider.DecideAsync(request.Order, ruleSet, reserve: false, context.CancellationToken))).ConfigureAwait(false);
        var response = new WhatIfResponse();
        response.Decisions.AddRange(decisions);
        return response;
    }

    /// <inheritdoc/>
    public override Task<DescribeRulesResponse> DescribeRules(DescribeRulesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var day = request.Day(time);
        return Task.FromResult(ruleData.Describe(request.RuleSet, day).ToProto());
    }
}
