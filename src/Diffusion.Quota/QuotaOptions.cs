using System.ComponentModel.DataAnnotations;

namespace Diffusion.Quota;

/// <summary>Settings of the quota service, section <c>Quota</c> (e.g. env <c>Quota__MaxTtlSeconds</c>).</summary>
public sealed class QuotaOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Quota";

    /// <summary>TTL of a reservation whose request says 0, in seconds (default 15 minutes).</summary>
    [Range(1, 7 * 24 * 3600)]
    public int DefaultTtlSeconds { get; set; } = 900;

    /// <summary>Largest TTL a request may ask for, in seconds (default 1 day); larger is INVALID_ARGUMENT.</summary>
    [Range(1, 30 * 24 * 3600)]
    public int MaxTtlSeconds { get; set; } = 24 * 3600;

    /// <summary>Most draws one Reserve may have.</summary>
    [Range(1, 1000)]
    public int MaxDraws { get; set; } = 64;

    /// <summary>Most ledger operations in one group-commit transaction.</summary>
    [Range(1, 10_000)]
    public int LedgerBatchSize { get; set; } = 256;

    /// <summary>
    /// Most Reserve, Commit and Release operations one replica has in flight towards the ledger (admitted, not yet
    /// answered). One more is refused at once with RESOURCE_EXHAUSTED before it touches Redis or the ledger, so
    /// memory and queueing delay stay bounded under overload (at most this many divided by the ledger's rate).
    /// </summary>
    [Range(1, 1_000_000)]
    public int LedgerQueueCapacity { get; set; } = 1024;

    /// <summary>Writer loops per replica, each with its own transaction (and connection) at a time.</summary>
    [Range(1, 16)]
    public int LedgerWriters { get; set; } = 2;

    /// <summary>Prefix of every Redis key this service uses (one Redis may serve several keyspaces, e.g. in tests).</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9:_.-]{1,32}$")]
    public string RedisKeyPrefix { get; set; } = "q:";

    /// <summary>How often the sweeper expires due reservations and checks that Redis still holds this replica's epoch, in ms.</summary>
    [Range(10, 60_000)]
    public int SweepIntervalMilliseconds { get; set; } = 500;

    /// <summary>
    /// How long after its expiry a Redis hold without a ledger row is taken for an orphan (a Reserve that failed
    /// or crashed between Redis and the ledger) and returned, in seconds. Longer than any ledger write may take.
    /// </summary>
    [Range(1, 3600)]
    public int OrphanGraceSeconds { get; set; } = 30;

    /// <summary>How long Redis keeps a finished (or refused) reservation's record for fast retries, in seconds; the ledger keeps it for ever.</summary>
    [Range(1, 30 * 24 * 3600)]
    public int RecordRetentionSeconds { get; set; } = 3600;

    /// <summary>How long a request waits for Redis to become ready (rebuild) before answering UNAVAILABLE, in ms.</summary>
    [Range(0, 60_000)]
    public int ReadyWaitMilliseconds { get; set; } = 3000;

    /// <summary>
    /// Rule set whose allocations give caps when a request names none (GetBalance, ListBuckets, Commit and Release
    /// balances). Empty: the rule set in force today per the rules' resolution.
    /// </summary>
    public string DefaultRuleSet { get; set; } = "";

    internal TimeSpan DefaultTtl => TimeSpan.FromSeconds(DefaultTtlSeconds);

    internal TimeSpan MaxTtl => TimeSpan.FromSeconds(MaxTtlSeconds);

    internal TimeSpan SweepInterval => TimeSpan.FromMilliseconds(SweepIntervalMilliseconds);

    internal TimeSpan OrphanGrace => TimeSpan.FromSeconds(OrphanGraceSeconds);

    internal TimeSpan RecordRetention => TimeSpan.FromSeconds(RecordRetentionSeconds);

    internal TimeSpan ReadyWait => TimeSpan.FromMilliseconds(ReadyWaitMilliseconds);
}
