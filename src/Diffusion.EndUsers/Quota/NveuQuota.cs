using Diffusion.Quota.V1;
using Diffusion.ServiceDefaults;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Diffusion.EndUsers.Quota;

/// <summary>The Quota service could not be reached (or did not answer in time): nothing may be recorded.</summary>
internal sealed class QuotaUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>The answer to a reservation against an NVEU bucket.</summary>
/// <param name="Outcome">Reserved, insufficient, or unknown bucket.</param>
/// <param name="Balance">The bucket's balance as Quota reported it, when it did.</param>
internal sealed record NveuReservation(ReserveOutcome Outcome, Balance? Balance);

/// <summary>
/// Reserves, commits and releases NVEU draws (<c>nveu/&lt;veu&gt;/&lt;CC&gt;</c>) at the Quota service over gRPC, each
/// call with a deadline, and reads balances (NVEU and licence buckets). Reservation ids are derived from deployment ids, so a retried deployment reuses its
/// reservation (Quota is idempotent on reservation_id).
/// </summary>
internal sealed class NveuQuota(QuotaService.QuotaServiceClient client, IOptions<EndUsersOptions> options, TimeProvider time)
{
    /// <summary>The bucket of an NVEU's allocation in one country.</summary>
    public static string BucketId(string veuId, string country) => Diffusion.Rules.Quotas.BucketId.ForNveu(veuId, country);

    /// <summary>The reservation EndUsers makes for a deployment.</summary>
    public static string ReservationId(string deploymentId) => $"endusers/deployment/{deploymentId}";

    /// <summary>Reserves <paramref name="tpp"/> against the NVEU's bucket for <paramref name="country"/>.</summary>
    /// <remarks><paramref name="ruleSetId"/> gives the bucket's cap when Quota creates it on first use.</remarks>
    public Task<NveuReservation> ReserveAsync(
        string reservationId, string veuId, string country, long tpp, string ruleSetId, CancellationToken cancellationToken) =>
        ReserveBucketAsync(reservationId, BucketId(veuId, country), tpp, ruleSetId, cancellationToken);

    /// <summary>Reserves <paramref name="tpp"/> against any bucket (a licence's grant draws its country allocation).</summary>
    public async Task<NveuReservation> ReserveBucketAsync(
        string reservationId, string bucketId, long tpp, string ruleSetId, CancellationToken cancellationToken)
    {
        var request = new ReserveRequest
        {
            ReservationId = reservationId,
            RuleSet = ruleSetId,
            TtlSeconds = (uint)options.Value.ReservationTtl.TotalSeconds,
            Draws = { new Draw { BucketId = bucketId, Tpp = tpp } },
        };
        var response = await CallAsync(
            "Reserve", cancellationToken, deadline => client.ReserveAsync(request, deadline: deadline, cancellationToken: cancellationToken).ResponseAsync);
        return new NveuReservation(response.Outcome, response.Balances.FirstOrDefault());
    }

    /// <summary>
    /// The NVEU bucket's balance for <paramref name="country"/> as Quota holds it (its cap: the officer's, else the rules'
    /// on Quota's day), or null when neither defines the bucket.
    /// </summary>
    public Task<Balance?> GetBalanceAsync(string veuId, string country, string ruleSetId, CancellationToken cancellationToken) =>
        GetBucketBalanceAsync(BucketId(veuId, country), ruleSetId, cancellationToken);

    /// <summary>Any bucket's balance as Quota holds it (a licence's: what remains of it), or null when nothing defines the bucket.</summary>
    public async Task<Balance?> GetBucketBalanceAsync(string bucketId, string ruleSetId, CancellationToken cancellationToken)
    {
        try
        {
            var b = await CallAsync(
                "GetBalance",
                cancellationToken,
                deadline => client.GetBalanceAsync(new GetBalanceRequest { BucketId = bucketId, RuleSet = ruleSetId }, deadline: deadline, cancellationToken: cancellationToken).ResponseAsync);
            return new Balance { BucketId = b.BucketId, Cap = b.Cap, Committed = b.Committed, Pending = b.Pending, Available = b.Available };
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The balances of the buckets Quota holds whose ids start with <paramref name="prefix"/>.</summary>
    public async Task<IReadOnlyList<Balance>> ListBucketsAsync(string prefix, CancellationToken cancellationToken) =>
        (await CallAsync(
            "ListBuckets",
            cancellationToken,
            deadline => client.ListBucketsAsync(new ListBucketsRequest { Prefix = prefix }, deadline: deadline, cancellationToken: cancellationToken).ResponseAsync)).Balances;

    /// <summary>Turns a reservation into permanent use (idempotent).</summary>
    public Task CommitAsync(string reservationId, CancellationToken cancellationToken) =>
        CallAsync(
            "Commit",
            cancellationToken,
            deadline => client.CommitAsync(new CommitRequest { ReservationId = reservationId }, deadline: deadline, cancellationToken: cancellationToken).ResponseAsync);

    /// <summary>Returns a reservation's TPP to its bucket (idempotent).</summary>
    public Task ReleaseAsync(string reservationId, CancellationToken cancellationToken) =>
        CallAsync(
            "Release",
            cancellationToken,
            deadline => client.ReleaseAsync(new ReleaseRequest { ReservationId = reservationId }, deadline: deadline, cancellationToken: cancellationToken).ResponseAsync);

    private async Task<T> CallAsync<T>(string method, CancellationToken cancellationToken, Func<DateTime, Task<T>> call)
    {
        var deadline = time.GetUtcNow().UtcDateTime + options.Value.QuotaDeadline;
        try
        {
            return await call(deadline);
        }
        catch (RpcException e) when (DownstreamFailure.Is(e, cancellationToken))
        {
            throw new QuotaUnavailableException($"Quota {method} failed: {e.Status.StatusCode} {e.Status.Detail}", e);
        }
    }
}
