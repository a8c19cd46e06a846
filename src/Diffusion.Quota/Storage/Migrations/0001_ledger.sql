-- The quota ledger: the durable record of every reservation and every cap change.
-- States and outcomes use the numbers of the proto enums ReservationState and ReserveOutcome.

-- Fencing epoch: bumped by every rebuild of Redis from this ledger; a reservation write carrying another epoch is
-- rejected (see RecoveryCoordinator). Exactly one row.
CREATE TABLE fence (
    id          smallint    PRIMARY KEY CHECK (id = 1),
    epoch       bigint      NOT NULL,
    rebuilt_at  timestamptz
);
INSERT INTO fence (id, epoch) VALUES (1, 0);

-- Buckets that were used or given a cap. cap is NULL when the rules define the bucket's cap.
CREATE TABLE buckets (
    bucket_id   text        PRIMARY KEY,
    cap         bigint      CHECK (cap >= 0),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- Every cap change, with who, when and why (quota invariant 6, docs/quota-invariants.md). Append-only.
CREATE TABLE allocation_changes (
    change_id     bigserial   PRIMARY KEY,
    bucket_id     text        NOT NULL REFERENCES buckets (bucket_id),
    previous_cap  bigint,
    new_cap       bigint      NOT NULL CHECK (new_cap >= 0),
    actor         text        NOT NULL CHECK (actor <> ''),
    reason        text        NOT NULL CHECK (btrim(reason) <> ''),
    changed_at    timestamptz NOT NULL
);
CREATE INDEX allocation_changes_bucket ON allocation_changes (bucket_id, changed_at);

CREATE TABLE reservations (
    reservation_id  text        PRIMARY KEY,
    token           uuid        NOT NULL,
    state           smallint    NOT NULL CHECK (state BETWEEN 1 AND 5),
    outcome         smallint    NOT NULL CHECK (outcome BETWEEN 1 AND 3),
    fingerprint     text        NOT NULL,
    expires_at      timestamptz NOT NULL,
    epoch           bigint      NOT NULL,
    created_at      timestamptz NOT NULL,
    -- When the state last changed: commit, release or expiry time.
    updated_at      timestamptz NOT NULL
);
-- The sweeper's work list: pending reservations by expiry.
CREATE INDEX reservations_pending_expiry ON reservations (expires_at) WHERE state = 1;

CREATE TABLE reservation_draws (
    reservation_id  text     NOT NULL,
    ordinal         smallint NOT NULL,
    bucket_id       text     NOT NULL,
    tpp             bigint   NOT NULL CHECK (tpp > 0),
    PRIMARY KEY (reservation_id, ordinal)
);
