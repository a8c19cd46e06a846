using Diffusion.Quota.Reservations;

namespace Diffusion.Quota.Storage;

/// <summary>
/// The Lua scripts through which every change of Redis quota state happens: one script per operation, so each runs
/// atomically against every concurrent call on every replica.
/// </summary>
/// <remarks>
/// Layout (see <see cref="RedisKeys"/>; <c>q:</c> is the configurable prefix): <c>q:epoch:v2</c> the fencing epoch (absent after a restart: not ready);
/// <c>q:{b:&lt;bucket&gt;}</c> a hash per bucket (<c>cap</c> only when an officer set one, <c>committed</c>,
/// <c>pending</c>); <c>q:r:&lt;reservation&gt;</c> a string per reservation, its fields separated by tabs: state,
/// outcome, attempt token, expiry in Unix ms, epoch, draw count, bucket and TPP of each draw, fingerprint (the layout
/// and why a tab never occurs in a field: <see cref="RedisRecord"/>; <c>redis-cli GET</c> shows it as
/// <c>"1\t1\t&lt;token&gt;\t..."</c>); <c>q:exp</c> pending reservations by expiry; <c>q:buckets</c> every bucket used.
/// Until the record format 2 the epoch key was <c>q:epoch</c> and records were hashes; a Redis written in that format
/// has no <c>q:epoch:v2</c> and is therefore rebuilt, never read (see <see cref="RedisKeys.Epoch"/>).
/// States and outcomes are the numbers of <see cref="ReservationState"/> and <see cref="ReserveOutcome"/>, written into
/// the scripts from the enums (never typed as literals).
/// Amounts are compared in Lua doubles, exact because every amount and cap is at most 2^53 - 1 (validated), and
/// changed with HINCRBY (64-bit integers).
/// Single Redis: the scripts also touch <c>q:exp</c> and <c>q:buckets</c>, which a Redis Cluster would place in other
/// slots than the buckets; on a cluster those two would move into per-bucket keys (the bucket hash tags already
/// keep one reservation's buckets addressable by one script only if they share a slot, so a multi-bucket reserve on
/// a cluster needs every bucket of one order under one hash tag, e.g. the country).
/// </remarks>
internal static class RedisScripts
{
    private const int Pending = (int)ReservationState.Pending;
    private const int Committed = (int)ReservationState.Committed;
    private const int Refused = (int)ReservationState.Refused;
    private const int Reserved = (int)ReserveOutcome.Reserved;
    private const int Insufficient = (int)ReserveOutcome.Insufficient;
    private const int UnknownBucket = (int)ReserveOutcome.UnknownBucket;

    /// <summary>
    /// Lua: append_buckets(reply, first) appends (officer cap or -1, committed, pending) of KEYS[first..] to reply.
    /// </summary>
    private const string AppendBuckets = """
        local function append_buckets(reply, first)
          for i = first, #KEYS do
            local b = redis.call('HMGET', KEYS[i], 'cap', 'committed', 'pending')
            table.insert(reply, tonumber(b[1]) or -1)
            table.insert(reply, tonumber(b[2]) or 0)
            table.insert(reply, tonumber(b[3]) or 0)
          end
          return reply
        end
        """;

    /// <summary>
    /// KEYS: epoch, record, expiry set, bucket set, bucket 1..n.
    /// ARGV: epoch, reservation id, the record after its state and outcome (<see cref="RedisRecord.Tail"/>), expires-at
    /// ms, refusal retention s, then per draw: bucket id, tpp, cap from the rules (-1: the rules do not define the bucket).
    /// Returns {"NOTREADY", current epoch} | {"EXISTS", record} | {"DONE", outcome, cap1, committed1, pending1, ...}.
    /// A bucket's cap is the officer's (hash field cap) when set, else the rules'. All-or-nothing: any unknown bucket
    /// refuses (UnknownBucket), else any draw over its bucket's cap refuses (Insufficient), else every draw is added to
    /// its bucket's pending amount. Refusals are recorded too, so a retry gets the same answer.
    /// </summary>
    public static readonly string Reserve = $$"""
        local epoch = redis.call('GET', KEYS[1])
        if epoch ~= ARGV[1] then return {'NOTREADY', epoch or ''} end
        local existing = redis.call('GET', KEYS[2])
        if existing then return {'EXISTS', existing} end
        local n = #KEYS - 4
        local caps, committed, pending = {}, {}, {}
        local unknown, insufficient = false, false
        for i = 1, n do
          local h = redis.call('HMGET', KEYS[4 + i], 'cap', 'committed', 'pending')
          local cap = tonumber(h[1]) or tonumber(ARGV[5 + 3 * i])
          caps[i] = cap
          committed[i] = tonumber(h[2]) or 0
          pending[i] = tonumber(h[3]) or 0
          if cap < 0 then
            unknown = true
          elseif cap - committed[i] - pending[i] < tonumber(ARGV[4 + 3 * i]) then
            insufficient = true
          end
        end
        local outcome = {{Reserved}}
        if unknown then outcome = {{UnknownBucket}} elseif insufficient then outcome = {{Insufficient}} end
        local state = outcome == {{Reserved}} and {{Pending}} or {{Refused}}
        redis.call('SET', KEYS[2], state .. '\t' .. outcome .. '\t' .. ARGV[3])
        if outcome == {{Reserved}} then
          for i = 1, n do
            pending[i] = redis.call('HINCRBY', KEYS[4 + i], 'pending', ARGV[4 + 3 * i])
            redis.call('SADD', KEYS[4], ARGV[3 + 3 * i])
          end
          redis.call('ZADD', KEYS[3], ARGV[4], ARGV[2])
        else
          redis.call('EXPIRE', KEYS[2], ARGV[5])
        end
        local reply = {'DONE', outcome}
        for i = 1, n do
          table.insert(reply, caps[i])
          table.insert(reply, committed[i])
          table.insert(reply, pending[i])
        end
        return reply
        """;

    /// <summary>
    /// Applies a state change the ledger has already decided (commit, release, expiry) to a pending reservation.
    /// KEYS: epoch, record, expiry set, bucket 1..n. ARGV: epoch, token, target state, retention s, reservation id,
    /// tpp 1..n (the reservation's draws, in the record's order).
    /// Acts only when the record exists, carries this attempt's token and is pending, so it is idempotent across
    /// retries and replicas. Returns {"NOTREADY"} | {status, cap1 (-1: none set), committed1, pending1, ...} with status
    /// "MISSING" | "OTHER" | "SAME" | "CONFLICT" | "APPLIED" and the buckets' amounts afterwards, so a Commit or
    /// Release answers with balances without another round trip.
    /// </summary>
    public static readonly string Apply = $$"""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {'NOTREADY'} end
        {{AppendBuckets}}
        local function answer(status) return append_buckets({status}, 4) end
        local record = redis.call('GET', KEYS[2])
        if not record then return answer('MISSING') end
        -- The record's state is its first field, the token its third (RedisRecord).
        local state, rest = string.match(record, '^([^\t]*)(\t.*)$')
        if string.match(rest, '^\t[^\t]*\t([^\t]*)') ~= ARGV[2] then return answer('OTHER') end
        if state == ARGV[3] then return answer('SAME') end
        if state ~= '{{Pending}}' then return answer('CONFLICT') end
        for i = 4, #KEYS do
          local tpp = ARGV[2 + i]
          redis.call('HINCRBY', KEYS[i], 'pending', '-' .. tpp)
          if ARGV[3] == '{{Committed}}' then redis.call('HINCRBY', KEYS[i], 'committed', tpp) end
        end
        redis.call('SET', KEYS[2], ARGV[3] .. rest, 'EX', ARGV[4])
        redis.call('ZREM', KEYS[3], ARGV[5])
        return answer('APPLIED')
        """;

    /// <summary>
    /// Sets an officer's cap on a bucket unless the bucket already holds more than it (committed + pending).
    /// KEYS: epoch, bucket, bucket set. ARGV: epoch, cap, bucket id.
    /// Returns {"NOTREADY"} | {"BELOW", committed, pending} | {"SET", committed, pending}.
    /// </summary>
    public const string SetCap = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {'NOTREADY'} end
        local h = redis.call('HMGET', KEYS[2], 'committed', 'pending')
        local committed, pending = tonumber(h[1]) or 0, tonumber(h[2]) or 0
        if committed + pending > tonumber(ARGV[2]) then return {'BELOW', committed, pending} end
        redis.call('HSET', KEYS[2], 'cap', ARGV[2])
        redis.call('SADD', KEYS[3], ARGV[3])
        return {'SET', committed, pending}
        """;

    /// <summary>
    /// Reads buckets. KEYS: epoch, bucket 1..n. ARGV: epoch.
    /// Returns {"NOTREADY"} | {"OK", cap1 (-1: none set), committed1, pending1, ...}.
    /// </summary>
    public static readonly string Balances = $$"""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {'NOTREADY'} end
        {{AppendBuckets}}
        return append_buckets({'OK'}, 2)
        """;

    /// <summary>
    /// Ends a rebuild: sets the epoch only if the marker is still this rebuild's (a Redis restart during the rebuild
    /// removed it, and then the rebuild must not declare Redis ready). KEYS: epoch. ARGV: marker, new epoch.
    /// </summary>
    public const string FinishRebuild = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[1], ARGV[2])
        return 1
        """;

    /// <summary>
    /// One SCAN step over the quota keyspace, deleting what it finds except the epoch key (a rebuild's first step).
    /// KEYS: epoch. ARGV: cursor, pattern. Returns the next cursor ("0" when done).
    /// </summary>
    public const string DeleteKeys = """
        local scan = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', 1000)
        for _, key in ipairs(scan[2]) do
          if key ~= KEYS[1] then redis.call('UNLINK', key) end
        end
        return scan[1]
        """;
}
