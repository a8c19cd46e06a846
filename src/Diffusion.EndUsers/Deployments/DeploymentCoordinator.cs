using Diffusion.EndUsers.Quota;
using Diffusion.EndUsers.Rules;
using Diffusion.EndUsers.Storage;
using Diffusion.Quota.V1;
using Diffusion.Rules;
using Diffusion.Rules.EndUsers;
using Diffusion.Rules.EndUsers.Deployment;
using Diffusion.Rules.EndUsers.Registration;
using Diffusion.ServiceDefaults;

namespace Diffusion.EndUsers.Deployments;

/// <summary>A deployment check: the VEU, the rule set applied, and the rules' verdict.</summary>
internal sealed record CheckResult(Veu Veu, string RuleSetId, DeploymentVerdict Verdict);

/// <summary>How a RecordDeployment ended.</summary>
/// <param name="Recorded">True when the deployment is in the installed base (now or by an earlier identical call).</param>
/// <param name="Check">The verdict the decision was made on.</param>
/// <param name="ReservationId">For an NVEU: the reservation drawing its bucket.</param>
/// <param name="InstalledBase">The VEU's installed base after the call.</param>
internal sealed record DeploymentResult(bool Recorded, CheckResult Check, string ReservationId, InstalledBase InstalledBase);

/// <summary>
/// Checks and records deployments. A UVEU deployment is evaluated and inserted in one transaction holding the
/// VEU's row lock (see <see cref="EndUserStore"/>). An NVEU deployment is first reserved against
/// <c>nveu/&lt;veu&gt;/&lt;CC&gt;</c> at Quota (the atomic gate on the allocation, shared with Decisions), then recorded
/// under the same lock, then committed; a failure between recording and committing leaves the row marked
/// uncommitted, and a retry of the deployment or the <see cref="CommitSweeper"/> commits it (Commit is idempotent
/// and the reservation id is derived from the deployment id). Quota unreachable before recording: nothing recorded.
/// </summary>
internal sealed partial class DeploymentCoordinator(
    EndUserStore store,
    IEndUserRuleSets ruleSets,
    NveuQuota quota,
    TimeProvider time,
    ILogger<DeploymentCoordinator> logger)
{
    /// <summary>Registers a VEU if every registration rule accepts it, audited as done by <paramref name="actor"/> (the caller's subject).</summary>
    public async Task<(bool Registered, Veu Veu, IReadOnlyList<Reason> Reasons)> RegisterAsync(
        Veu veu, string? ruleSetId, DateTimeOffset? asOf, string actor, CancellationToken cancellationToken)
    {
        var ruleSet = Resolve(ruleSetId, asOf ?? time.GetUtcNow(), out var rules);
        var verdict = RegistrationEvaluator.Default.Evaluate(new RegistrationContext(veu, rules, ruleSet.TierOf));
        if (!verdict.Accepted)
        {
            return (false, veu, verdict.Reasons);
        }

        return (true, await store.RegisterAsync(veu, ruleSet.Id, actor, cancellationToken), verdict.Reasons);
    }

    /// <summary>Would deploying <paramref name="tpp"/> in <paramref name="country"/> keep the VEU within its limits? Changes nothing.</summary>
    /// <remarks>
    /// An NVEU's country allocation is tested against its Quota bucket (the cap and what the bucket holds, on Quota's
    /// day): one store decides one cap, the same one a Reserve by Decisions or by <see cref="RecordAsync"/> meets.
    /// </remarks>
    public async Task<CheckResult> CheckAsync(
        string veuId, string country, long tpp, DateTimeOffset? asOf, string? ruleSetId, CancellationToken cancellationToken)
    {
        var veu = await store.GetAsync(veuId, cancellationToken) ?? throw new KeyNotFoundException($"VEU {veuId} is not registered");
        var at = asOf ?? time.GetUtcNow();
        var ruleSet = Resolve(ruleSetId, at, out var rules);
        var before = await store.GetInstalledBaseAsync(veuId, cancellationToken);
        var allocation = veu.Kind == VeuKind.National ? await QuotaAllocationAsync(ruleSet, rules, veuId, country, cancellationToken) : null;
        return new CheckResult(veu, ruleSet.Id, Evaluate(ruleSet, rules, veu, country, tpp, at, before, allocation, heldAtQuota: false));
    }

    /// <summary>Records a deployment if it keeps the VEU within its limits (idempotent on the deployment id).</summary>
    /// <remarks>
    /// Reserve at Quota, record, commit at Quota: a caller's deadline passing between them (its cancellation also
    /// reaches the Quota calls through call-context propagation) could record a deployment whose reservation was then
    /// released, so Quota counted less than EndUsers recorded. The work therefore runs <see cref="Detached"/>: it
    /// completes or fails as a whole; the caller may stop waiting.
    /// </remarks>
    public Task<DeploymentResult> RecordAsync(
        string deploymentId,
        string veuId,
        string country,
        long tpp,
        DateTimeOffset? asOf,
        string? ruleSetId,
        string? externalReservationId,
        CancellationToken cancellationToken) =>
        Detached.RunAsync(
            () => RecordCoreAsync(deploymentId, veuId, country, tpp, asOf, ruleSetId, externalReservationId), cancellationToken);

    private async Task<DeploymentResult> RecordCoreAsync(
        string deploymentId, string veuId, string country, long tpp, DateTimeOffset? asOf, string? ruleSetId, string? externalReservationId)
    {
        var cancellationToken = CancellationToken.None;
        var at = asOf ?? time.GetUtcNow();
        var ruleSet = Resolve(ruleSetId, at, out var rules);
        var veu = await store.GetAsync(veuId, cancellationToken) ?? throw new KeyNotFoundException($"VEU {veuId} is not registered");
        var national = veu.Kind == VeuKind.National;
        var ownReservation = national && string.IsNullOrEmpty(externalReservationId);
        var reservationId = !national ? "" : ownReservation ? NveuQuota.ReservationId(deploymentId) : externalReservationId!;
        var deployment = new DeploymentRecord(deploymentId, veuId, country, tpp, at, ruleSet.Id, national ? reservationId : null);
        // An NVEU's deployment is recorded only under a reservation in its Quota bucket (its own, or the one Decisions
        // made for the order): Quota's atomic check is the one that decides the allocation.
        DeploymentVerdict Decide(Veu locked, InstalledBase before) => Evaluate(ruleSet, rules, locked, country, tpp, at, before, null, heldAtQuota: national);

        if (ownReservation)
        {
            var retry = await store.FindDeploymentAsync(deploymentId, cancellationToken);
            if (retry is null)
            {
                // Refuse early (nothing reserved) when the rules already refuse on the current base.
                var before = await store.GetInstalledBaseAsync(veuId, cancellationToken);
                var early = Decide(veu, before);
                if (!early.Allowed)
                {
                    return new DeploymentResult(false, new CheckResult(veu, ruleSet.Id, early), "", before);
                }

                var reservation = await quota.ReserveAsync(reservationId, veuId, country, tpp, ruleSet.Id, cancellationToken);
                if (reservation.Outcome != ReserveOutcome.Reserved)
                {
                    var refused = WithQuotaRefusal(rules, early, reservation, veu.Id, country, tpp);
                    return new DeploymentResult(false, new CheckResult(veu, ruleSet.Id, refused), "", before);
                }
            }
        }

        RecordResult result;
        try
        {
            result = await store.RecordDeploymentAsync(deployment, Decide, cancellationToken);
        }
        catch when (ownReservation)
        {
            await ReleaseQuietlyAsync(reservationId, deploymentId);
            throw;
        }

        switch (result.Outcome)
        {
            case RecordOutcome.Refused:
                if (ownReservation)
                {
                    await ReleaseQuietlyAsync(reservationId, deploymentId);
                }

                return new DeploymentResult(false, new CheckResult(veu, ruleSet.Id, result.Verdict!), "", result.InstalledBase);

            case RecordOutcome.AlreadyRecorded:
                var first = result.Existing!;
                if (ownReservation && !result.QuotaCommitted)
                {
                    await CommitAsync(first.ReservationId!, deploymentId, cancellationToken);
                }

                var replay = new DeploymentVerdict(true, [], [rules.Standing.Reason(
                    "DEPLOYMENT.ALREADY_RECORDED",
                    $"deployment {deploymentId} was recorded before ({first.Tpp} TPP in {first.Country} as of {first.AsOf:u}); nothing changed")]);
                return new DeploymentResult(true, new CheckResult(veu, first.RuleSet, replay), first.ReservationId ?? "", result.InstalledBase);

            default:
                if (ownReservation)
                {
                    await CommitAsync(reservationId, deploymentId, cancellationToken);
                }

                return new DeploymentResult(true, new CheckResult(veu, ruleSet.Id, result.Verdict!), reservationId, result.InstalledBase);
        }
    }

    /// <summary>Commits the reservations of recorded deployments whose commit did not get through; returns how many.</summary>
    public async Task<int> CommitPendingAsync(CancellationToken cancellationToken)
    {
        var committed = 0;
        foreach (var deployment in await store.ListUncommittedAsync(100, cancellationToken))
        {
            if (deployment.ReservationId == NveuQuota.ReservationId(deployment.DeploymentId))
            {
                await quota.CommitAsync(deployment.ReservationId, cancellationToken);
                committed++;
            }

            await store.MarkQuotaCommittedAsync(deployment.DeploymentId, cancellationToken);
        }

        return committed;
    }

    private async Task CommitAsync(string reservationId, string deploymentId, CancellationToken cancellationToken)
    {
        try
        {
            await quota.CommitAsync(reservationId, cancellationToken);
            await store.MarkQuotaCommittedAsync(deploymentId, cancellationToken);
        }
        catch (QuotaUnavailableException e)
        {
            // Recorded, not yet committed: a retry of this deployment or the sweeper commits it before the TTL.
            Log.CommitDeferred(logger, deploymentId, e.Message);
        }
    }

    private async Task ReleaseQuietlyAsync(string reservationId, string deploymentId)
    {
        try
        {
            await quota.ReleaseAsync(reservationId, CancellationToken.None);
        }
        catch (QuotaUnavailableException e)
        {
            // The reservation lapses at its TTL.
            Log.ReleaseFailed(logger, deploymentId, e.Message);
        }
    }

    private static DeploymentVerdict Evaluate(
        EndUserRuleSet ruleSet, EndUserRules rules, Veu veu, string country, long tpp, DateTimeOffset asOf, InstalledBase before,
        NveuAllocation? allocation, bool heldAtQuota) =>
        DeploymentEvaluator.Default.Evaluate(new DeploymentContext(veu, country, tpp, asOf, before, rules, ruleSet.TierOf, allocation, heldAtQuota));

    /// <summary>The NVEU's allocation in <paramref name="country"/> as its Quota bucket holds it, or null when Quota defines no such bucket.</summary>
    private async Task<NveuAllocation?> QuotaAllocationAsync(
        EndUserRuleSet ruleSet, EndUserRules rules, string veuId, string country, CancellationToken cancellationToken)
    {
        if (await quota.GetBalanceAsync(veuId, country, ruleSet.Id, cancellationToken) is not { } balance)
        {
            return null;
        }

        return new NveuAllocation(
            balance.Cap,
            $"Quota bucket {balance.BucketId}",
            rules.NveuCountryAuthorization.Citation,
            rules.NveuCountryAuthorization.Confidence) { DrawnTpp = checked(balance.Committed + balance.Pending) };
    }

    private static DeploymentVerdict WithQuotaRefusal(
        EndUserRules rules, DeploymentVerdict verdict, NveuReservation reservation, string veuId, string country, long tpp)
    {
        var bucket = NveuQuota.BucketId(veuId, country);
        var message = reservation.Outcome == ReserveOutcome.UnknownBucket
            ? $"Quota has no bucket {bucket}: the NVEU allocation for {country} has not been set up"
            : reservation.Balance is { } balance
                ? $"Quota refused {tpp} TPP from {bucket}: {balance.Available} of {balance.Cap} TPP available ({balance.Committed} committed, {balance.Pending} pending)"
                : $"Quota refused {tpp} TPP from {bucket}: insufficient";
        var reason = rules.NveuCountryAuthorization.Reason("NVEU.QUOTA", message);
        return verdict with { Allowed = false, Reasons = [.. verdict.Reasons, reason] };
    }

    private EndUserRuleSet Resolve(string? ruleSetId, DateTimeOffset asOf, out EndUserRules rules)
    {
        var ruleSet = ruleSets.Resolve(ruleSetId, asOf);
        rules = ruleSet.EndUsers;
        return ruleSet;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Deployment {DeploymentId} recorded; Quota commit deferred: {Error}")]
        public static partial void CommitDeferred(ILogger logger, string deploymentId, string error);

        [LoggerMessage(2, LogLevel.Warning, "Deployment {DeploymentId} not recorded; releasing its reservation failed (it lapses at its TTL): {Error}")]
        public static partial void ReleaseFailed(ILogger logger, string deploymentId, string error);
    }
}
