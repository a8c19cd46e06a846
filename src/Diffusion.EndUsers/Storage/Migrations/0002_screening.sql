-- Restricted-party screening (issue 14): the lists loaded (as published, with their publication date), the
-- screenings kept per order (re-screened when a newer list is loaded), and officers' clearances of false positives
-- (append-only: who, when, why; the newest for a consignee and entry counts).
CREATE TABLE endusers.screening_lists (
    list_id      bigserial PRIMARY KEY,
    published_at timestamptz NOT NULL,
    loaded_at    timestamptz NOT NULL,
    source       text NOT NULL,
    loaded_by    text NOT NULL,
    sha256       text NOT NULL UNIQUE,
    entry_count  integer NOT NULL,
    entries      jsonb NOT NULL
);
CREATE INDEX screening_lists_newest ON endusers.screening_lists (published_at DESC, list_id DESC);

CREATE TABLE endusers.screening_clearances (
    clearance_id bigserial PRIMARY KEY,
    consignee_id text NOT NULL,
    entry_id     text NOT NULL,
    officer      text NOT NULL,
    reason       text NOT NULL,
    cleared_at   timestamptz NOT NULL
);
CREATE INDEX screening_clearances_consignee ON endusers.screening_clearances (consignee_id, entry_id, clearance_id DESC);

CREATE TABLE endusers.order_screenings (
    order_id    text PRIMARY KEY,
    parties     jsonb NOT NULL,
    list_id     bigint NOT NULL REFERENCES endusers.screening_lists (list_id),
    verdict     smallint NOT NULL,
    result      bytea NOT NULL,
    screened_at timestamptz NOT NULL,
    open        boolean NOT NULL DEFAULT true
);
CREATE INDEX order_screenings_open ON endusers.order_screenings (order_id) WHERE open;
