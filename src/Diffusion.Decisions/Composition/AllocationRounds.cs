using Diffusion.Rules.Decisions;

namespace Diffusion.Decisions.Composition;

/// <summary>
/// What the next plan of an order may assume after a round found buckets short (Quota refused the reservation, or a
/// dry run's balances were too small): the mechanisms of the short draws are ruled out (LPP → the country allocation
/// → beyond it; a China share used up, or never recorded; a granted licence without enough left). The rounds are bounded: no progress, or more than <see cref="ReservationIds.MaxRounds"/> rounds, ends them.
/// </summary>
internal static class AllocationRounds
{
    /// <summary>
    /// The state for round <paramref name="round"/> + 1, or null when there must be no further round. A China share
    /// bucket in <paramref name="unknownBuckets"/> (nobody created it) means the exporter's US shipments are not
    /// recorded, which is not the same as a share used up.
    /// </summary>
    public static AllocationState? Next(
        AllocationState state, IReadOnlyList<PlannedDraw> draws, IReadOnlySet<string> shortBuckets, IReadOnlySet<string> unknownBuckets, int round)
    {
        if (round >= ReservationIds.MaxRounds)
        {
            return null;
        }

        var next = state;
        foreach (var draw in draws.Where(d => shortBuckets.Contains(d.BucketId)))
        {
            next = draw.Mechanism switch
            {
                DrawMechanism.LowProcessingPerformance => next with { LppExhausted = true },
                DrawMechanism.CountryAllocation => next with { CountryAllocationExhausted = true },
                DrawMechanism.NationalVeu => next with { NveuExhausted = true },
                DrawMechanism.ChinaShare when unknownBuckets.Contains(draw.BucketId) => next with { ChinaShareUnrecorded = true },
                DrawMechanism.ChinaShare => next with { ChinaShareExhausted = true },
                DrawMechanism.Licence => next with { ExhaustedLicences = next.ExhaustedLicences.Add(LicenceNumber(draw.BucketId)) },
                _ => next,
            };
        }

        // Nothing ruled out: the same plan would come again. (A licence already ruled out leaves the same set.)
        return next == state ? null : next;
    }

    private static string LicenceNumber(string bucketId) =>
        Diffusion.Rules.Quotas.BucketId.TryParse(bucketId, out var bucket, out _) && bucket!.Kind == Diffusion.Rules.Quotas.BucketKind.Licence
            ? bucket.Entity!
            : throw new InvalidOperationException($"a licence draw on {bucketId}, which is not a licence bucket");
}
