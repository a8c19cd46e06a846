using System.Globalization;
using Diffusion.Decisions.V1;
using Diffusion.LoadTest.History;

namespace Diffusion.LoadTest.Load;

/// <summary>What follows an acknowledged reservation.</summary>
internal enum FollowUp
{
    /// <summary>Commit (Confirm): the goods ship.</summary>
    Commit,

    /// <summary>Release (Cancel): the order is off.</summary>
    Release,

    /// <summary>Nothing: it stays pending until its TTL.</summary>
    Leave,
}

/// <summary>One flow the workload chose: a direct Reserve and its follow-up, or an order sent to Decisions.</summary>
internal abstract record FlowPlan;

/// <summary>A direct Reserve; <paramref name="Duplicate"/>: sent a second time after its answer, as a client retry would.</summary>
internal sealed record QuotaFlowPlan(string Id, IReadOnlyList<HistoryDraw> Draws, uint TtlSeconds, FollowUp Then, bool Duplicate) : FlowPlan;

/// <summary>An order; <paramref name="Kind"/> names its share of the mix (report and docs).</summary>
internal sealed record DecideFlowPlan(string Kind, DecideRequest Order, FollowUp Then) : FlowPlan
{
    public bool Hostile => Kind == OrderMix.Hostile;
}

/// <summary>
/// The seeded mix of flows: the same seed and worker give the same sequence. Direct Quota flows draw from the run's
/// buckets (one bucket, or two at once for the all-or-nothing path); orders come from <see cref="OrderMix"/>.
/// </summary>
internal sealed class Workload(WorkerOptions options)
{
    // Shares of the direct Quota flows (percent): what follows a Reserve, and the extra behaviours.
    private const int CommitShare = 60, ReleaseShare = 30;   // the rest is left pending
    private const int ShortTtlShare = 10;                   // left alone to expire during the run
    private const int TwoBucketShare = 15;
    private const int DuplicateShare = 5;
    private const uint LongTtlSeconds = 600;

    private readonly Random _random = new(HashCode.Combine(options.Seed, StableHash(options.Worker)));
    private readonly IReadOnlyList<string> _buckets = options.BucketIds();
    private readonly OrderMix _orders = new(options.RunId, options.Worker);

    /// <summary>The plan of flow number <paramref name="n"/> of this worker.</summary>
    public FlowPlan Next(long n)
    {
        if (options.Target is not null && _random.NextDouble() < options.DecideShare)
        {
            return _orders.Next(_random, n, FollowUpOf(_random.Next(100)));
        }

        var first = _random.Next(_buckets.Count);
        var draws = new List<HistoryDraw> { new(_buckets[first], 1 + _random.NextInt64(options.MaxDraw)) };
        if (_buckets.Count > 1 && _random.Next(100) < TwoBucketShare)
        {
            var second = (first + 1 + _random.Next(_buckets.Count - 1)) % _buckets.Count;
            draws.Add(new HistoryDraw(_buckets[second], 1 + _random.NextInt64(options.MaxDraw)));
        }

        var expires = _random.Next(100) < ShortTtlShare;
        var id = string.Create(CultureInfo.InvariantCulture, $"lt/{options.RunId}/{options.Worker}/{n}");
        return new QuotaFlowPlan(
            id,
            draws,
            expires ? (uint)Math.Max(1, options.ShortTtl.TotalSeconds) : LongTtlSeconds,
            expires ? FollowUp.Leave : FollowUpOf(_random.Next(100)),
            _random.Next(100) < DuplicateShare);
    }

    private static FollowUp FollowUpOf(int percent) =>
        percent < CommitShare ? FollowUp.Commit : percent < CommitShare + ReleaseShare ? FollowUp.Release : FollowUp.Leave;

    /// <summary>A hash that is the same in every process (string.GetHashCode is randomised per process).</summary>
    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }
}
