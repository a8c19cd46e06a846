using System.Text.Json;
using Diffusion.Decisions.V1;
using Diffusion.Quota.V1;
using Diffusion.Storage.Audit;
using Grpc.Core;

namespace Diffusion.Decisions.Audit;

/// <summary>
/// Puts decisions, confirmations and cancellations on the audit trail with the authenticated subject as actor, before
/// the call is answered: an answer the trail does not hold is never given. When the trail cannot be written the call
/// fails UNAVAILABLE; what Quota already did stays as it is (a reservation pending until its TTL, a commit or release
/// done), and repeating the same call (Reserve, Commit and Release are idempotent on the order's reservation) answers
/// the same and puts it on record. When too many rows wait for the trail already (<c>Audit:QueueCapacity</c>) the call
/// fails RESOURCE_EXHAUSTED at once, with the same outcome and the same remedy, later. Dry runs and what-if change nothing and are not recorded.
/// </summary>
internal sealed class DecisionAudit(IAuditTrail trail, TimeProvider time)
{
    /// <summary>Records a reserving decision of <paramref name="order"/> answered with <paramref name="decision"/>.</summary>
    public Task RecordDecisionAsync(string actor, DecideRequest order, DecideResponse decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(decision);
        var details = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["outcome"] = decision.Outcome.ToString(),
            ["license_exception"] = decision.LicenseException,
            ["rule_set"] = decision.RuleSet,
            ["exporter"] = order.Exporter,
            ["destination_country"] = order.DestinationCountry,
            ["consignee"] = order.Consignee?.Id ?? "",
            ["reservation_id"] = decision.ReservationId,
            ["draws"] = Draws(decision.Draws),
        });
        return AppendAsync(new AuditRecord(time.GetUtcNow(), actor, AuditKinds.OrderDecided, order.OrderId, details), cancellationToken);
    }

    /// <summary>Records that <paramref name="orderId"/>'s reservation was committed (<paramref name="confirmed"/>) or released.</summary>
    public Task RecordSettlementAsync(string actor, bool confirmed, string orderId, string reservationId, ReservationState state, IEnumerable<Draw> draws, CancellationToken cancellationToken)
    {
        var details = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["reservation_id"] = reservationId,
            ["state"] = state.ToString(),
            ["draws"] = Draws(draws),
        });
        var kind = confirmed ? AuditKinds.OrderConfirmed : AuditKinds.OrderCancelled;
        return AppendAsync(new AuditRecord(time.GetUtcNow(), actor, kind, orderId, details), cancellationToken);
    }

    private static List<Dictionary<string, object>> Draws(IEnumerable<Draw> draws) =>
        [.. draws.Select(d => new Dictionary<string, object> { ["bucket_id"] = d.BucketId, ["tpp"] = d.Tpp })];

    private async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await trail.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch (AuditUnavailableException e)
        {
            throw new RpcException(new Status(StatusCode.Unavailable,
                $"{e.Message}; the {record.Kind} of order {record.Subject} is not on record, so it is not answered: repeat the call"));
        }
        catch (AuditQueueFullException e)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"{e.Message}; the {record.Kind} of order {record.Subject} is not on record, so it is not answered: repeat the call later"));
        }
    }
}
