-- Axiru server schema, version 7: SIEM export sinks.
-- Each sink belongs to one organisation and follows that organisation's ledger chain with a
-- durable cursor: `cursor_seq` is the last seq the receiver acknowledged. The cursor moves only
-- after an acknowledgement, in its own transaction, so a crash or an outage re-sends from the
-- cursor (at-least-once) and never skips a record. `pending_to_seq` pins the range of the batch
-- in flight, so that a re-send after a restart covers exactly the same records (and a file or
-- S3 object named after that range is overwritten, not duplicated).

CREATE TABLE export_sinks (
  id                TEXT PRIMARY KEY,
  org_id            TEXT NOT NULL REFERENCES organisations(id),
  type              TEXT NOT NULL CHECK (type IN ('files', 'splunk', 'datadog', 's3')),
  name              TEXT NOT NULL,
  config            TEXT NOT NULL,   -- JSON of the sink's settings, secrets included
  origin            TEXT NOT NULL CHECK (origin IN ('api', 'config')),
  created_at        TEXT NOT NULL,
  deleted_at        TEXT,
  cursor_seq        INTEGER NOT NULL DEFAULT 0 CHECK (cursor_seq >= 0),
  pending_to_seq    INTEGER,
  attempts          INTEGER NOT NULL DEFAULT 0,   -- failed attempts of the batch in flight
  next_attempt_ms   INTEGER,                      -- not before this time (backoff), epoch ms
  last_error        TEXT,
  last_error_at     TEXT,
  last_success_at   TEXT,
  delivered         INTEGER NOT NULL DEFAULT 0    -- records acknowledged so far
) STRICT;
CREATE INDEX export_sinks_by_org ON export_sinks (org_id, created_at) WHERE deleted_at IS NULL;
-- A config-file line keeps its cursor across restarts by its (org, name).
CREATE UNIQUE INDEX export_sinks_configured ON export_sinks (org_id, name) WHERE origin = 'config' AND deleted_at IS NULL;
