-- The audit trail (issue 12): one row per audited change, hash-chained. seq is gapless and each row's hash covers
-- its content, its seq and the previous row's hash, so a changed, deleted or reordered row breaks the chain at that
-- row. Checkpoints sign the head with a key this database does not hold.
CREATE TABLE audit.events (
    seq        bigint      PRIMARY KEY CHECK (seq > 0),
    at         timestamptz NOT NULL,
    actor      text        NOT NULL CHECK (actor <> ''),
    kind       text        NOT NULL CHECK (kind <> ''),
    subject    text        NOT NULL,
    details    text        NOT NULL,
    prev_hash  bytea       NOT NULL,
    hash       bytea       NOT NULL
);
CREATE INDEX events_actor ON audit.events (actor, seq);
CREATE INDEX events_kind ON audit.events (kind, seq);

CREATE TABLE audit.checkpoints (
    seq        bigint      PRIMARY KEY,
    head_hash  bytea       NOT NULL,
    signed_at  timestamptz NOT NULL,
    key_id     text        NOT NULL,
    signature  bytea       NOT NULL
);
