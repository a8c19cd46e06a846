using Diffusion.Decisions.Grpc;
using Diffusion.Decisions.Streaming;
using Diffusion.Decisions.V1;
using Diffusion.Endusers.V1;
using Diffusion.Modelweights.V1;
using Diffusion.Quota.V1;
using Diffusion.Rules;
using Diffusion.Rules.Decisions;
using Diffusion.Rules.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using DomainVeuKind = Diffusion.Rules.Decisions.VeuKind;
using ProtoVeuKind = Diffusion.Endusers.V1.VeuKind;

namespace Diffusion.Decisions.Composition;

/// <summary>
/// Decides one order: classifies its lines, evaluates model weights, checks the consignee's VEU, runs the decision rules
/// and reserves what the order draws in one all-or-nothing Reserve. When Quota refuses a plan (a bucket too small) the
/// next plan is decided knowing it (LPP → licence drawing the country allocation → beyond the allocation; a granted
/// licence too small → the licence it would need). When a line needs a licence, the granted licences that bear on the
/// order are asked for once (EndUsers) and one that covers a line is drawn instead.
/// Any service down: UNAVAILABLE, nothing reserved.
/// </summary>
internal sealed partial class OrderDecider(
    ItemClassifier classifier,
    PartyScreening screening,
    LicenceLookup licenceLookup,
    ModelWeightsService.ModelWeightsServiceClient modelWeights,
    EndUserService.EndUserServiceClient endUsers,
    QuotaService.QuotaServiceClient quota,
    DecisionRuleData ruleData,
    Downstream downstream,
    TimeProvider time,
    IOptions<DecisionsOptions> options,
    ILogger<OrderDecider> logger)
{
    /// <summary>Decides <paramref name="order"/>; reserves unless <paramref name="reserve"/> is false.</summary>
    /// <param name="order">A validated order.</param>
    /// <param name="ruleSetId">The rule set to use instead of the order's (what-if), or null.</param>
    /// <param name="reserve">Whether to reserve what the order draws.</param>
    /// <param name="cancellationToken">Cancels the decision.</param>
    /// <param name="memo">The classifications of the order book this order is part of (DecideStream), or null.</param>
    public async Task<DecideResponse> DecideAsync(DecideRequest order, string? ruleSetId, bool reserve, CancellationToken cancellationToken, ClassificationMemo? memo = null)
    {
        var asOf = order.AsOf?.ToDateTimeOffset() ?? time.GetUtcNow();
        var asOfDay = DateOnly.FromDateTime(asOf.UtcDateTime);
        var named = ruleSetId ?? order.RuleSet;
        var ruleSet = ruleData.Resolve(named, asOfDay);
        var posture = ruleData.PostureOf(ruleSet, asOfDay, named.Length > 0);
        var asOfStamp = Timestamp.FromDateTimeOffset(asOf);

        // Restricted parties first: a listed consignee or end user decides the order before anything else does.
        var screened = await screening.ScreenAsync(order, keep: reserve && ruleSetId is null, cancellationToken).ConfigureAwait(false);
        if (screened is { Verdict: not Diffusion.Screening.V1.ScreeningVerdict.Clear })
        {
            var blocked = PartyScreening.Blocked(order, ruleSet.Id, screened);
            blocked.EnforcementPosture = posture.Name;
            blocked.Reasons.Insert(0, posture.Reason.ToProto());
            return blocked;
        }

        var response = await DecideClearedAsync(order, ruleSet, posture, asOf, asOfDay, asOfStamp, reserve, memo, cancellationToken).ConfigureAwait(false);
        if (screened is not null)
        {
            response.Screening = screened;
            response.Reasons.Add(screened.Reasons);
        }

        return response;
    }

    private async Task<DecideResponse> DecideClearedAsync(
        DecideRequest order, RuleSet ruleSet, EnforcementPosture posture, DateTimeOffset asOf, DateOnly asOfDay, Timestamp asOfStamp, bool reserve, ClassificationMemo? memo, CancellationToken cancellationToken)
    {
        var linesTask = classifier.ClassifyAsync(order, ruleSet.Id, asOfStamp, memo, cancellationToken);
        var weightsTask = EvaluateWeightsAsync(order, ruleSet.Id, asOfStamp, cancellationToken);
        await Task.WhenAll(linesTask, weightsTask).ConfigureAwait(false);
        var lines = await linesTask.ConfigureAwait(false);
        var weights = await weightsTask.ConfigureAwait(false);

        var items = order.Items.Select((item, i) => ToClassifiedItem(item, i, lines, weights)).ToList();
        var veu = await CheckVeuAsync(order, items, ruleSet.Id, asOfStamp, asOf, cancellationToken).ConfigureAwait(false);
        var origin = order.OriginCountry.Length > 0 ? order.OriginCountry : options.Value.DefaultOriginCountry;
        var consignee = order.Consignee;
        var identity = new ConsigneeIdentity(
            consignee.Name,
            consignee.ParentName,
            consignee.Government,
            [.. consignee.Owners.Select(o => new ConsigneeOwner(o.Name, o.HasSharePercent ? (decimal)o.SharePercent : null, o.ListedOn))]);
        var parties = new OrderParties(order.DestinationCountry, origin, consignee.Id, consignee.HeadquartersCountry, consignee.ParentHeadquartersCountry, identity, order.Exporter);
        var context = DecisionContextFactory.Create(ruleSet, asOfDay, parties, veu, items);

        var allocations = AllocationState.Unknown;
        var licencesAsked = false;
        Reason? licenceNote = null;
        for (var round = 1; ; round++)
        {
            var decision = DecisionEvaluator.Default.Evaluate(context with { Allocations = allocations });
            if (!licencesAsked && decision.Items.Any(i => i.Outcome is Outcome.LicenseRequired or Outcome.PresumptionOfDenial))
            {
                // Only an order that needs a licence asks for the granted ones (one call per order).
                licencesAsked = true;
                if (await licenceLookup.FindAsync(order, cancellationToken).ConfigureAwait(false) is { } found)
                {
                    context = context with { Licences = found };
                    decision = DecisionEvaluator.Default.Evaluate(context with { Allocations = allocations });
                }
                else
                {
                    licenceNote = context.Rules.Cite("granted_licence").Reason(
                        "LICENCE.LOOKUP_UNAVAILABLE",
                        "the granted licences could not be read (endusers unavailable): the order is decided as one without a licence");
                }
            }
            if (decision.Draws.Count == 0)
            {
                return Answer(order, ruleSet.Id, posture, decision, lines, allocations, null, null, licenceNote);
            }

            HashSet<string> shortBuckets;
            HashSet<string> unknownBuckets;
            string? reservationId = null;
            if (!reserve)
            {
                (shortBuckets, unknownBuckets) = await ShortBucketsByBalanceAsync(ruleSet.Id, decision.Draws, cancellationToken).ConfigureAwait(false);
                if (shortBuckets.Count == 0)
                {
                    return Answer(order, ruleSet.Id, posture, decision, lines, allocations, null, null, licenceNote);
                }
            }
            else
            {
                reservationId = ReservationIds.For(order.OrderId, round);
                var reserved = await ReserveAsync(reservationId, ruleSet.Id, decision.Draws, cancellationToken).ConfigureAwait(false);
                Log.Reserved(logger, order.OrderId, reservationId, reserved.Outcome);
                if (reserved.Outcome == ReserveOutcome.Reserved)
                {
                    return Answer(order, ruleSet.Id, posture, decision, lines, allocations, reservationId, reserved.ExpiresAt, licenceNote);
                }

                var insufficient = decision.Draws
                    .Where(d => reserved.Balances.FirstOrDefault(b => b.BucketId == d.BucketId) is not { } b || b.Available < d.Tpp)
                    .Select(d => d.BucketId)
                    .ToHashSet(StringComparer.Ordinal);
                shortBuckets = insufficient.Count > 0 ? insufficient : decision.Draws.Select(d => d.BucketId).ToHashSet(StringComparer.Ordinal);

                // Quota answers no balance for a bucket neither the rules nor an officer define.
                unknownBuckets = decision.Draws
                    .Where(d => !reserved.Balances.Any(b => b.BucketId == d.BucketId))
                    .Select(d => d.BucketId)
                    .ToHashSet(StringComparer.Ordinal);
            }

            // Both paths are bounded the same way: each round must rule out a draw mechanism, and there are at most
            // MaxRounds of them. A short bucket whose mechanism cannot be ruled out would otherwise be planned again
            // and again (the dry run looped over balances with no bound).
            if (AllocationRounds.Next(allocations, decision.Draws, shortBuckets, unknownBuckets, round) is not { } next)
            {
                throw new RpcException(new Status(StatusCode.Internal,
                    $"order {order.OrderId}: no plan {(reserve ? "could be reserved" : "fits the balances")} after {round} rounds " +
                    $"(short: {string.Join(", ", shortBuckets.Order(StringComparer.Ordinal))})"));
            }

            allocations = next;
        }
    }

    /// <summary>Commits (Confirm) or releases (Cancel) the reservation an order holds.</summary>
    public async Task<(string ReservationId, ReservationState State, IReadOnlyList<Draw> Draws)> SettleAsync(string orderId, bool commit, CancellationToken cancellationToken)
    {
        for (var round = 1; round <= ReservationIds.MaxRounds; round++)
        {
            var id = ReservationIds.For(orderId, round);
            Reservation reservation;
            try
            {
                reservation = await downstream.CallAsync("quota", o => quota.GetReservationAsync(new GetReservationRequest { ReservationId = id }, o), cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                break;
            }

            if (reservation.State == ReservationState.Refused)
            {
                continue;
            }

            var state = commit
                ? (await downstream.CallAsync("quota", o => quota.CommitAsync(new CommitRequest { ReservationId = id }, o), cancellationToken).ConfigureAwait(false)).State
                : (await downstream.CallAsync("quota", o => quota.ReleaseAsync(new ReleaseRequest { ReservationId = id }, o), cancellationToken).ConfigureAwait(false)).State;
            Log.Settled(logger, orderId, id, state);
            return (id, state, reservation.Draws);
        }

        throw new RpcException(new Status(StatusCode.NotFound, $"order_id: order '{orderId}' holds no reservation (it drew no allocation, was decided as a dry run, or was never decided)"));
    }

    private async Task<IReadOnlyDictionary<int, EvaluateModelResponse>> EvaluateWeightsAsync(
        DecideRequest order, string ruleSet, Timestamp asOf, CancellationToken cancellationToken)
    {
        var calls = order.Items
            .Select((item, index) => (item, index))
            .Where(x => x.item.ItemCase == OrderItem.ItemOneofCase.ModelWeights)
            .Select(async x =>
            {
                var w = x.item.ModelWeights;
                var request = new EvaluateModelRequest
                {
                    ModelName = w.ModelName,
                    TrainingOperations = w.TrainingOperations,
                    WeightsPublished = w.WeightsPublished,
                    DerivedFromPublished = w.DerivedFromPublished,
                    BaseModelOperations = w.BaseModelOperations,
                    AdditionalOperations = w.AdditionalOperations,
                    DestinationCountry = order.DestinationCountry,
                    RecipientHeadquartersCountry = order.Consignee.HeadquartersCountry,
                    RecipientParentHeadquartersCountry = order.Consignee.ParentHeadquartersCountry,
                    StorageMeetsSecurityStandards = w.StorageMeetsSecurityStandards,
                    AsOf = asOf,
                    RuleSet = ruleSet,
                    SyntheticDataShare = w.SyntheticDataShare,
                    GeneratorOperations = w.GeneratorOperations,
                    GeneratorWeightsPublished = w.GeneratorWeightsPublished,
                    GeneratorOperationsAlreadyCounted = w.GeneratorOperationsAlreadyCounted,
                    GenerationOperations = w.GenerationOperations,
                };
                try
                {
                    var response = await downstream.CallAsync("modelweights", o => modelWeights.EvaluateAsync(request, o), cancellationToken).ConfigureAwait(false);
                    return (x.index, response);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"items[{x.index}].model_weights.{e.Status.Detail}"));
                }
            });
        var results = await Task.WhenAll(calls).ConfigureAwait(false);
        return results.ToDictionary(r => r.index, r => r.response);
    }

    private async Task<VeuFinding?> CheckVeuAsync(
        DecideRequest order, IReadOnlyList<ClassifiedItem> items, string ruleSet, Timestamp asOfStamp, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var veuId = order.Consignee.VeuId;
        if (veuId.Length == 0)
        {
            return null;
        }

        Veu veu;
        try
        {
            veu = await downstream.CallAsync("endusers", o => endUsers.GetVeuAsync(new GetVeuRequest { VeuId = veuId }, o), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return new VeuFinding(veuId, null, false, false, false, []);
        }

        var tpp = items.Where(i => i.IsAdvancedComputing).Aggregate(0L, (sum, i) => checked(sum + i.WholeTpp));
        var check = await downstream.CallAsync(
            "endusers",
            o => endUsers.CheckDeploymentAsync(new CheckDeploymentRequest { VeuId = veuId, Country = order.DestinationCountry, Tpp = tpp, AsOf = asOfStamp, RuleSet = ruleSet }, o),
            cancellationToken).ConfigureAwait(false);
        var active = veu.Status == VeuStatus.Active
            && (veu.ValidFrom is null || veu.ValidFrom.ToDateTimeOffset() <= asOf)
            && (veu.ValidTo is null || asOf < veu.ValidTo.ToDateTimeOffset());
        var kind = veu.Kind switch
        {
            ProtoVeuKind.Uveu => DomainVeuKind.Universal,
            ProtoVeuKind.Nveu => (DomainVeuKind?)DomainVeuKind.National,
            _ => null,
        };
        var authorised = veu.Kind == ProtoVeuKind.Uveu || veu.AuthorizedCountries.Contains(order.DestinationCountry);
        return new VeuFinding(veuId, kind, active, authorised, check.Allowed, [.. check.Reasons.Select(r => r.ToDomain())]);
    }

    private async Task<ReserveResponse> ReserveAsync(string reservationId, string ruleSet, IReadOnlyList<PlannedDraw> draws, CancellationToken cancellationToken)
    {
        var request = new ReserveRequest
        {
            ReservationId = reservationId,
            RuleSet = ruleSet,
            TtlSeconds = (uint)options.Value.ReservationTtlSeconds,
        };
        request.Draws.AddRange(draws.Select(d => new Draw { BucketId = d.BucketId, Tpp = d.Tpp }));
        return await downstream.CallAsync("quota", o => quota.ReserveAsync(request, o), cancellationToken).ConfigureAwait(false);
    }

    private async Task<(HashSet<string> Short, HashSet<string> Unknown)> ShortBucketsByBalanceAsync(string ruleSet, IReadOnlyList<PlannedDraw> draws, CancellationToken cancellationToken)
    {
        var balances = await Task.WhenAll(draws.Select(async d =>
        {
            try
            {
                var balance = await downstream.CallAsync("quota", o => quota.GetBalanceAsync(new GetBalanceRequest { BucketId = d.BucketId, RuleSet = ruleSet }, o), cancellationToken).ConfigureAwait(false);
                return (d.BucketId, Short: balance.Available < d.Tpp, Unknown: false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                // Not created yet: Quota creates it from the rule set's allocations on first use, full. A China share
                // or licence bucket is never in the rules: until an officer sets it, it covers nothing.
                return (d.BucketId, Short: d.Mechanism is DrawMechanism.ChinaShare or DrawMechanism.Licence, Unknown: true);
            }
        })).ConfigureAwait(false);
        return (
            balances.Where(b => b.Short).Select(b => b.BucketId).ToHashSet(StringComparer.Ordinal),
            balances.Where(b => b.Unknown).Select(b => b.BucketId).ToHashSet(StringComparer.Ordinal));
    }

    private static ClassifiedItem ToClassifiedItem(
        OrderItem item, int index, IReadOnlyDictionary<int, ClassifiedLine> lines, IReadOnlyDictionary<int, EvaluateModelResponse> weights)
    {
        if (item.ItemCase == OrderItem.ItemOneofCase.ModelWeights)
        {
            var w = weights[index];
            var finding = new ModelWeightsFinding(w.Controlled, w.Eccn, w.LicenseRequired, w.LicenseException, w.ReviewPolicy, [.. w.Reasons.Select(r => r.ToDomain())]);
            return new ClassifiedItem(index, item.ModelWeights.ModelName, ItemKind.ModelWeights, w.Eccn, w.Eccn, 0, item.Quantity, false, new HashSet<string>(), ModelWeights: finding);
        }

        return lines[index].Classification.ToItem(index, item.Quantity);
    }

    private static DecideResponse Answer(
        DecideRequest order,
        string ruleSet,
        EnforcementPosture posture,
        Decision decision,
        IReadOnlyDictionary<int, ClassifiedLine> lines,
        AllocationState allocations,
        string? reservationId,
        Timestamp? expiresAt,
        Reason? licenceNote)
    {
        var response = decision.ToProto(order.OrderId, ruleSet, lines);
        if (licenceNote is not null)
        {
            response.Reasons.Add(licenceNote.ToProto());
        }

        response.EnforcementPosture = posture.Name;
        response.Reasons.Insert(0, posture.Reason.ToProto());

        // Unavailable when an exhausted bucket left the order with nothing it can draw (e.g. beyond the country allocation).
        response.AllocationAvailable = decision.Draws.Count > 0 || !allocations.AnyExhausted;
        if (reservationId is not null)
        {
            response.ReservationId = reservationId;
            response.ReservationExpiresAt = expiresAt;
        }

        return response;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Order {OrderId}: reservation {ReservationId} {Outcome}")]
        public static partial void Reserved(ILogger logger, string orderId, string reservationId, ReserveOutcome outcome);

        [LoggerMessage(2, LogLevel.Information, "Order {OrderId}: reservation {ReservationId} now {State}")]
        public static partial void Settled(ILogger logger, string orderId, string reservationId, ReservationState state);
    }
}
