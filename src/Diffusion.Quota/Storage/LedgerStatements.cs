using Diffusion.Quota.Reservations;

namespace Diffusion.Quota.Storage;

/// <summary>
/// The SQL of the ledger's reservation statements, in one place. State and outcome numbers are written in from
/// <see cref="ReservationState"/> and <see cref="ReserveOutcome"/>, never typed as literals, so the ledger cannot drift
/// from the enums (the migration's CHECK constraints are compared with them by a test).
/// </summary>
internal static class LedgerStatements
{
    private const int Pending = (int)ReservationState.Pending;
    private const int Committed = (int)ReservationState.Committed;
    private const int Expired = (int)ReservationState.Expired;
    private const int Refused = (int)ReservationState.Refused;

    /// <summary>A reservation's columns as <see cref="Ledger.ReadReservation"/> reads them (draws as two arrays in order).</summary>
    private const string Columns = """
        r.reservation_id, r.token, r.state, r.outcome, r.fingerprint, r.expires_at, r.epoch, r.created_at,
        ARRAY(SELECT d.bucket_id FROM reservation_draws d WHERE d.reservation_id = r.reservation_id ORDER BY d.ordinal),
        ARRAY(SELECT d.tpp FROM reservation_draws d WHERE d.reservation_id = r.reservation_id ORDER BY d.ordinal)
        """;

    /// <summary>Reservations with their draws; append a WHERE on <c>r</c>.</summary>
    public const string SelectReservations = "SELECT " + Columns + " FROM reservations r";

    /// <summary>The fencing epoch under a shared lock: no rebuild runs until the transaction ends.</summary>
    public const string ReadFenceShared = "SELECT epoch FROM fence WHERE id = 1 FOR SHARE";

    /// <summary>The fencing epoch under an exclusive lock (a rebuild).</summary>
    public const string ReadFenceExclusive = "SELECT epoch FROM fence WHERE id = 1 FOR UPDATE";

    /// <summary>
    /// Group insert: $1..$8 the reservations' columns as arrays, $9..$13 their draws. Rows whose epoch is not the fence
    /// are skipped (stale), ids already recorded are left alone; returns the ids this statement inserted.
    /// A bucket row is created for every bucket a recorded (not refused) reservation draws on.
    /// </summary>
    public static readonly string Insert = $"""
        WITH inserted AS (
            INSERT INTO reservations (reservation_id, token, state, outcome, fingerprint, expires_at, epoch, created_at, updated_at)
            SELECT u.*, u.created_at FROM unnest($1::text[], $2::uuid[], $3::smallint[], $4::smallint[], $5::text[], $6::timestamptz[], $7::bigint[], $8::timestamptz[])
                AS u(reservation_id, token, state, outcome, fingerprint, expires_at, epoch, created_at)
            WHERE u.epoch = (SELECT epoch FROM fence WHERE id = 1)
            ON CONFLICT (reservation_id) DO NOTHING
            RETURNING reservation_id, token, state, created_at),
        draws AS (
            SELECT d.reservation_id, d.ordinal, d.bucket_id, d.tpp, i.state, i.created_at
            FROM unnest($9::text[], $10::uuid[], $11::smallint[], $12::text[], $13::bigint[]) AS d(reservation_id, token, ordinal, bucket_id, tpp)
            JOIN inserted i ON i.reservation_id = d.reservation_id AND i.token = d.token),
        new_draws AS (
            INSERT INTO reservation_draws (reservation_id, ordinal, bucket_id, tpp)
            SELECT reservation_id, ordinal, bucket_id, tpp FROM draws),
        new_buckets AS (
            INSERT INTO buckets (bucket_id, cap, created_at, updated_at)
            SELECT bucket_id, NULL, min(created_at), min(created_at) FROM draws WHERE state <> {Refused}
            GROUP BY bucket_id ORDER BY bucket_id
            ON CONFLICT (bucket_id) DO NOTHING)
        SELECT reservation_id FROM inserted
        """;

    /// <summary>
    /// Group transition: $1 ids, $2 target states, $3 instants. Only pending reservations move; a commit at or after
    /// the expiry expires instead. Returns the moved reservations as <see cref="Ledger.ReadReservation"/> reads them.
    /// </summary>
    public static readonly string Transition = $"""
        UPDATE reservations r
        SET state = CASE WHEN t.target = {Committed} AND r.expires_at <= t.now THEN {Expired} ELSE t.target END, updated_at = t.now
        FROM (SELECT DISTINCT ON (id) id, target, now FROM unnest($1::text[], $2::smallint[], $3::timestamptz[]) AS u(id, target, now) ORDER BY id) t
        WHERE r.reservation_id = t.id AND r.state = {Pending}
        RETURNING {Columns}
        """;

    /// <summary>Marks up to $2 pending reservations due at $1 expired (rows another replica holds are skipped); returns their ids.</summary>
    public static readonly string ExpireDue = $"""
        UPDATE reservations SET state = {Expired}, updated_at = $1
        WHERE reservation_id IN (
            SELECT reservation_id FROM reservations
            WHERE state = {Pending} AND expires_at <= $1
            ORDER BY expires_at LIMIT $2
            FOR UPDATE SKIP LOCKED)
        RETURNING reservation_id
        """;

    /// <summary>
    /// Per bucket: committed and pending TPP over live reservations, aggregated from every reservation: what
    /// CheckConsistency compares Redis with, independently of the totals the ledger keeps for rebuilds (<see cref="RebuildTotals"/>).
    /// </summary>
    public static readonly string Totals = $"""
        SELECT d.bucket_id,
               coalesce(sum(d.tpp) FILTER (WHERE r.state = {Committed}), 0)::bigint,
               coalesce(sum(d.tpp) FILTER (WHERE r.state = {Pending}), 0)::bigint
        FROM reservation_draws d JOIN reservations r USING (reservation_id)
        WHERE r.state IN ({Pending}, {Committed})
        GROUP BY d.bucket_id
        """;

    /// <summary>How many reservations are pending.</summary>
    public static readonly string PendingCount = $"SELECT count(*) FROM reservations WHERE state = {Pending}";

    /// <summary>
    /// Per bucket: committed and pending TPP as the ledger's triggers keep them in <c>bucket_totals</c> (migration 0002),
    /// summed over the bucket's shards; what a rebuild loads instead of aggregating every reservation (<see cref="Totals"/>).
    /// </summary>
    public const string RebuildTotals = """
        SELECT bucket_id, sum(committed)::bigint, sum(pending)::bigint
        FROM bucket_totals
        GROUP BY bucket_id
        HAVING sum(committed) <> 0 OR sum(pending) <> 0
        """;

    /// <summary>
    /// Every pending reservation with its draws in order (a rebuild loads them into Redis), from
    /// <c>pending_reservations</c>, which the ledger's triggers keep equal to the pending rows of <c>reservations</c>.
    /// </summary>
    public const string SelectPending = "SELECT reservation_id, token, fingerprint, expires_at, draw_buckets, draw_tpps FROM pending_reservations";
}
