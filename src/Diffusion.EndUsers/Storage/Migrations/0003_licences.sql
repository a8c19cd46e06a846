-- Granted export licences (issue 14), as officers record them. The quantity a licence allows is not kept here: it is
-- the cap of the Quota bucket licence/<number>, so shipments under it reserve and commit where every allocation does.
-- A row is never changed: recording the same licence again is a no-op, a different one under its number is refused.
CREATE TABLE endusers.licences (
    number              text PRIMARY KEY,
    exporter            text NOT NULL,
    consignee_id        text NOT NULL,
    consignee_name      text NOT NULL,
    destination_country text NOT NULL,
    eccns               text[] NOT NULL,
    items               text[] NOT NULL,
    quantity_unit       smallint NOT NULL,
    quantity            bigint NOT NULL CHECK (quantity > 0),
    value_usd           bigint NOT NULL CHECK (value_usd >= 0),
    valid_from          timestamptz NOT NULL,
    valid_until         timestamptz NOT NULL CHECK (valid_until > valid_from),
    conditions          text[] NOT NULL,
    recorded_by         text NOT NULL,
    recorded_at         timestamptz NOT NULL
);
CREATE INDEX licences_consignee ON endusers.licences (consignee_id, destination_country);
