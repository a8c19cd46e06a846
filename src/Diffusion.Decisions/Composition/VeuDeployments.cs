using Diffusion.Decisions.V1;
using Diffusion.Endusers.V1;
using Diffusion.Quota.V1;
using Diffusion.Rules.Quotas;

namespace Diffusion.Decisions.Composition;

/// <summary>
/// A confirmed NVEU order is a deployment: its shipment is recorded in the VEU's installed base at EndUsers, drawing the
/// order's own (now committed) reservation in <c>nveu/&lt;veu&gt;/&lt;CC&gt;</c>, so EndUsers neither reserves again nor
/// counts the cap a second time (15 CFR 748.15 and Supp. 10 to part 748: the NVEU's installed base per country).
/// Idempotent: the deployment id is derived from the order id.
/// </summary>
internal sealed partial class VeuDeployments(EndUserService.EndUserServiceClient endUsers, Downstream downstream, TimeProvider time, ILogger<VeuDeployments> logger)
{
    /// <summary>The deployment id of an order's shipment.</summary>
    public static string DeploymentId(string orderId) => $"order/{orderId}";

    /// <summary>Records each NVEU draw of a committed reservation as a deployment; fills the response's fields.</summary>
    public async Task RecordAsync(string orderId, string reservationId, IReadOnlyList<Draw> draws, ConfirmResponse response, CancellationToken cancellationToken)
    {
        foreach (var draw in draws)
        {
            if (!BucketId.TryParse(draw.BucketId, out var bucket, out _) || bucket!.Kind != BucketKind.Nveu)
            {
                continue;
            }

            var request = new RecordDeploymentRequest
            {
                DeploymentId = DeploymentId(orderId),
                VeuId = bucket.Entity!,
                Country = bucket.Country!,
                Tpp = draw.Tpp,
                AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(time.GetUtcNow()),
                ReservationId = reservationId,
            };
            var recorded = await downstream.CallAsync("endusers", o => endUsers.RecordDeploymentAsync(request, o), cancellationToken).ConfigureAwait(false);
            response.DeploymentRecorded = recorded.Recorded;
            response.Reasons.AddRange(recorded.Check?.Reasons ?? []);
            Log.Recorded(logger, orderId, request.VeuId, request.Country, recorded.Recorded);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Order {OrderId}: deployment for VEU {VeuId} in {Country} recorded: {Recorded}")]
        public static partial void Recorded(ILogger logger, string orderId, string veuId, string country, bool recorded);
    }
}
