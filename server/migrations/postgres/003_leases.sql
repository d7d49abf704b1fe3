-- The PostgreSQL schema, version 3: leases on background jobs, as SQLite's 015_leases.sql.
-- A lease names the server that does one piece of background work (a job and a key: an export
-- sink's id, an organisation's id for checkpoint signing, a replay's id) until `until_ms`.
-- Another server takes the work only once the lease ran out, so work a server was doing when
-- it died is picked up after at most one lease length. `until_ms` 0 is a lease given back.
CREATE TABLE leases (
  job      TEXT NOT NULL,
  key      TEXT NOT NULL,
  holder   TEXT NOT NULL,
  until_ms BIGINT NOT NULL,
  PRIMARY KEY (job, key)
);

-- The server that claimed a webhook delivery and has not recorded its attempt yet (NULL once
-- it has): a claim found still set when the lease ran out is a takeover from a server that died.
ALTER TABLE webhook_deliveries ADD COLUMN claimed_by TEXT;

-- Approval messages to people (Slack, email), one row per event and channel, written in the
-- transaction that commits the event: the committing server sends it at once and deletes the
-- row; a row still here when its lease (next_attempt_ms) ran out is a message whose server died
-- before sending it, and a surviving server claims it and sends it.
CREATE TABLE notification_outbox (
  id              TEXT PRIMARY KEY,
  org_id          TEXT NOT NULL,
  channel         TEXT NOT NULL CHECK (channel IN ('slack', 'email')),
  event           TEXT NOT NULL,   -- the event as JSON (services/IntentActions.ts IntentEvent)
  next_attempt_ms BIGINT NOT NULL,
  claimed_by      TEXT NOT NULL,
  created_at      TEXT NOT NULL
);
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_ms);
