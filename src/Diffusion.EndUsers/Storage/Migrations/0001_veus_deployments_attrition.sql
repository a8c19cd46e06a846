-- The VEU registry and each VEU's installed base, kept as the events that make it up.
-- TPP amounts are whole numbers (bigint); instants are timestamptz (UTC).

CREATE TABLE endusers.veus (
    id                          text        PRIMARY KEY,
    kind                        smallint    NOT NULL CHECK (kind IN (1, 2)),        -- 1 UVEU, 2 NVEU
    name                        text        NOT NULL,
    headquarters_country        text        NOT NULL CHECK (headquarters_country ~ '^[A-Z]{2}$'),
    parent_headquarters_country text        NOT NULL CHECK (parent_headquarters_country ~ '^([A-Z]{2})?$'),
    authorized_countries        text[]      NOT NULL,
    status                      smallint    NOT NULL CHECK (status IN (1, 2, 3)),   -- active, suspended, revoked
    valid_from                  timestamptz NOT NULL,
    valid_to                    timestamptz NULL CHECK (valid_to IS NULL OR valid_to > valid_from),
    rule_set                    text        NOT NULL,                               -- the rule set it was registered under
    registered_at               timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL
);

-- Every status change, with who asked why (audit).
CREATE TABLE endusers.veu_status_changes (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    veu_id      text        NOT NULL REFERENCES endusers.veus (id),
    from_status smallint    NOT NULL,
    to_status   smallint    NOT NULL,
    reason      text        NOT NULL,
    changed_at  timestamptz NOT NULL
);

-- Compute installed (shipments). deployment_id is the caller's idempotency key.
-- NVEU deployments carry the Quota reservation made against nveu/<veu>/<CC>; quota_committed turns true once
-- Commit succeeded (a row left false is committed again by a retry of the same deployment_id).
CREATE TABLE endusers.deployments (
    deployment_id   text        PRIMARY KEY,
    veu_id          text        NOT NULL REFERENCES endusers.veus (id),
    country         text        NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    tpp             bigint      NOT NULL CHECK (tpp > 0),
    as_of           timestamptz NOT NULL,
    rule_set        text        NOT NULL,
    reservation_id  text        NULL,
    quota_committed boolean     NOT NULL DEFAULT false,
    recorded_at     timestamptz NOT NULL
);
CREATE INDEX deployments_veu_country ON endusers.deployments (veu_id, country);
CREATE INDEX deployments_uncommitted ON endusers.deployments (recorded_at) WHERE reservation_id IS NOT NULL AND NOT quota_committed;

-- Compute that left the installed base: 1 loss, 2 damage, 3 failure, 4 relocation, 5 resale.
-- It lowers the installed base; it never lowers what counts toward an NVEU allocation.
CREATE TABLE endusers.attrition_events (
    event_id    text        PRIMARY KEY,
    veu_id      text        NOT NULL REFERENCES endusers.veus (id),
    country     text        NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    tpp         bigint      NOT NULL CHECK (tpp > 0),
    kind        smallint    NOT NULL CHECK (kind BETWEEN 1 AND 5),
    note        text        NOT NULL,
    as_of       timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL
);
CREATE INDEX attrition_events_veu_country ON endusers.attrition_events (veu_id, country);
