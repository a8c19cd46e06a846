using StackExchange.Redis;

namespace Diffusion.Quota.Storage;

/// <summary>The Redis key names of one quota keyspace (prefix from <see cref="QuotaOptions.RedisKeyPrefix"/>).</summary>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>The prefix, e.g. "q:".</summary>
    public string Prefix { get; } = prefix;

    /// <summary>
    /// The fencing epoch; absent when Redis is empty (restarted) and must be rebuilt from the ledger. The name carries
    /// the format of the records (<see cref="RedisRecord"/>, format 2: one string per reservation): a Redis last
    /// written by a Quota of format 1 (hashes, epoch key <c>q:epoch</c>) has no such key, so this code rebuilds it
    /// from the ledger (the rebuild deletes every key under the prefix, the old epoch key and hashes included) and never
    /// reads an old record.
    /// </summary>
    public RedisKey Epoch { get; } = prefix + "epoch:v2";

    /// <summary>Pending reservations scored by expiry (Unix ms).</summary>
    public RedisKey Expiry { get; } = prefix + "exp";

    /// <summary>Every bucket id Redis holds counters or a cap for.</summary>
    public RedisKey Buckets { get; } = prefix + "buckets";

    /// <summary>A bucket's hash; the hash tag keeps a bucket's key in one Redis Cluster slot.</summary>
    public RedisKey Bucket(string bucketId) => $"{Prefix}{{b:{bucketId}}}";

    /// <summary>A reservation's record.</summary>
    public RedisKey Reservation(string reservationId) => Prefix + "r:" + reservationId;
}
