-- Licences (issue 14): the country allocation bucket a licence's TPP was drawn from when it was recorded (granted), ''
-- when the rule set does not count it there; and an index for the licences that bear on an order (Decisions'
-- FindLicences: the consignee's, and the exporter's for the destination).
ALTER TABLE endusers.licences ADD COLUMN allocation_bucket_id text NOT NULL DEFAULT '';
CREATE INDEX licences_exporter_destination ON endusers.licences (exporter, destination_country);
