-- What a rebuild of Redis reads, kept by the ledger itself so that a rebuild reads one row per bucket and shard and
-- one row per pending reservation instead of every reservation ever made (a join and aggregate over all of them took
-- 30 s at 10,000,000 reservations). Statement-level triggers keep both tables in the transaction of every write
-- (the group writer's batches, the sweeper's expiries, a bulk COPY), whoever the writer is.
-- State numbers are those of ReservationState: 1 pending, 2 committed (as in 0001's CHECK constraints).

-- Per bucket: committed and pending TPP, split into shards by the writing session (pg_backend_pid() % 64) so two
-- writer loops adding to one hot bucket do not wait for each other's commit on one row. A bucket's totals are the
-- sums over its shards.
CREATE TABLE bucket_totals (
    bucket_id  text     NOT NULL,
    shard      smallint NOT NULL,
    committed  bigint   NOT NULL,
    pending    bigint   NOT NULL,
    PRIMARY KEY (bucket_id, shard)
);

-- One row per pending reservation, with its draws in order, exactly while its ledger row is pending.
CREATE TABLE pending_reservations (
    reservation_id  text        PRIMARY KEY,
    token           uuid        NOT NULL,
    fingerprint     text        NOT NULL,
    expires_at      timestamptz NOT NULL,
    draw_buckets    text[]      NOT NULL,
    draw_tpps       bigint[]    NOT NULL
);

-- Draws arrive with their reservation (in the same statement, or after it in a bulk load): count them by the
-- reservation's state, and list a pending reservation with all its draws.
CREATE FUNCTION ledger_draws_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bucket_totals AS t (bucket_id, shard, committed, pending)
    SELECT d.bucket_id, pg_backend_pid() % 64,
           coalesce(sum(d.tpp) FILTER (WHERE r.state = 2), 0),
           coalesce(sum(d.tpp) FILTER (WHERE r.state = 1), 0)
    FROM new_draws d JOIN reservations r USING (reservation_id)
    WHERE r.state IN (1, 2)
    GROUP BY d.bucket_id
    ORDER BY d.bucket_id
    ON CONFLICT (bucket_id, shard) DO UPDATE
        SET committed = t.committed + excluded.committed, pending = t.pending + excluded.pending;

    INSERT INTO pending_reservations (reservation_id, token, fingerprint, expires_at, draw_buckets, draw_tpps)
    SELECT r.reservation_id, r.token, r.fingerprint, r.expires_at,
           array_agg(d.bucket_id ORDER BY d.ordinal), array_agg(d.tpp ORDER BY d.ordinal)
    FROM new_draws d JOIN reservations r USING (reservation_id)
    WHERE r.state = 1
    GROUP BY r.reservation_id;
    RETURN NULL;
END $$;

-- A state change (commit, release, expiry) moves its draws between pending and committed, and a reservation that
-- stops being pending leaves pending_reservations.
CREATE FUNCTION ledger_reservations_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bucket_totals AS t (bucket_id, shard, committed, pending)
    SELECT d.bucket_id, pg_backend_pid() % 64,
           sum(d.tpp * ((n.state = 2)::int - (o.state = 2)::int)),
           sum(d.tpp * ((n.state = 1)::int - (o.state = 1)::int))
    FROM old_rows o
    JOIN new_rows n USING (reservation_id)
    JOIN reservation_draws d USING (reservation_id)
    WHERE o.state <> n.state AND (o.state IN (1, 2) OR n.state IN (1, 2))
    GROUP BY d.bucket_id
    ORDER BY d.bucket_id
    ON CONFLICT (bucket_id, shard) DO UPDATE
        SET committed = t.committed + excluded.committed, pending = t.pending + excluded.pending;

    DELETE FROM pending_reservations p
    USING old_rows o JOIN new_rows n USING (reservation_id)
    WHERE p.reservation_id = o.reservation_id AND o.state = 1 AND n.state <> 1;
    RETURN NULL;
END $$;

-- Creating the triggers locks both tables against writers until this migration commits, so the backfill below
-- sees every reservation written before and the triggers every one written after.
CREATE TRIGGER reservation_draws_projection AFTER INSERT ON reservation_draws
    REFERENCING NEW TABLE AS new_draws FOR EACH STATEMENT EXECUTE FUNCTION ledger_draws_inserted();
CREATE TRIGGER reservations_projection AFTER UPDATE ON reservations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_reservations_moved();

-- Backfill an existing ledger.
INSERT INTO bucket_totals (bucket_id, shard, committed, pending)
SELECT d.bucket_id, 0,
       coalesce(sum(d.tpp) FILTER (WHERE r.state = 2), 0),
       coalesce(sum(d.tpp) FILTER (WHERE r.state = 1), 0)
FROM reservation_draws d JOIN reservations r USING (reservation_id)
WHERE r.state IN (1, 2)
GROUP BY d.bucket_id;

INSERT INTO pending_reservations (reservation_id, token, fingerprint, expires_at, draw_buckets, draw_tpps)
SELECT r.reservation_id, r.token, r.fingerprint, r.expires_at,
       array_agg(d.bucket_id ORDER BY d.ordinal), array_agg(d.tpp ORDER BY d.ordinal)
FROM reservations r JOIN reservation_draws d USING (reservation_id)
WHERE r.state = 1
GROUP BY r.reservation_id;
