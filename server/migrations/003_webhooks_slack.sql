-- Axiru server schema, version 3: outbound signed webhooks and Slack.
-- Deliveries are written in the same transaction as the ledger record of the event they
-- announce (an outbox), so an event is never announced without having happened, and a
-- restart loses no pending delivery: the deliverer picks up every row still pending.

CREATE TABLE webhook_endpoints (
  id          TEXT PRIMARY KEY,
  org_id      TEXT NOT NULL REFERENCES organisations(id),
  url         TEXT NOT NULL,
  secret      TEXT NOT NULL,   -- whsec_…; kept because every delivery is signed with it
  events      TEXT NOT NULL,   -- JSON array of subscribed event types
  created_at  TEXT NOT NULL,
  disabled_at TEXT
) STRICT;
CREATE INDEX webhook_endpoints_by_org ON webhook_endpoints (org_id);

CREATE TABLE webhook_deliveries (
  id              TEXT PRIMARY KEY,
  org_id          TEXT NOT NULL,
  endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints(id),
  event_id        TEXT NOT NULL,
  event_type      TEXT NOT NULL,
  payload         TEXT NOT NULL,   -- the exact body that is signed and sent
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL,
  next_attempt_ms INTEGER,
  last_status     INTEGER,         -- the receiver's last HTTP status, if it answered
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  delivered_at    TEXT
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_ms) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (org_id, endpoint_id, created_at);

CREATE TABLE slack_settings (
  org_id         TEXT PRIMARY KEY REFERENCES organisations(id),
  bot_token      TEXT NOT NULL,
  channel        TEXT NOT NULL,
  signing_secret TEXT NOT NULL
) STRICT;

-- The message posted for each approval request, to update it when the request resolves.
CREATE TABLE slack_messages (
  org_id    TEXT NOT NULL,
  intent_id TEXT NOT NULL,
  channel   TEXT NOT NULL,
  ts        TEXT NOT NULL,
  PRIMARY KEY (org_id, intent_id)
) STRICT;
