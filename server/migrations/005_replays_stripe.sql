-- Axiru server schema, version 5: history replays, the Stripe connection and Stripe webhooks.
-- A replay's uploaded history and per-refund results are deleted after 30 days (the report
-- stays, without row-level examples); nothing here is part of the ledger. Refunds seen through
-- Stripe webhooks are sealed in the ledger (execution or observation records) and projected
-- into stripe_refunds in the same transaction.

CREATE TABLE replays (
  id              TEXT PRIMARY KEY,
  org_id          TEXT NOT NULL REFERENCES organisations(id),
  origin          TEXT NOT NULL CHECK (origin IN ('upload', 'stripe_import')),
  status          TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  created_at      TEXT NOT NULL,
  created_ms      INTEGER NOT NULL,
  created_by      TEXT NOT NULL,
  delete_after    TEXT NOT NULL,
  delete_after_ms INTEGER NOT NULL,
  deleted_at      TEXT,
  policy_version  INTEGER NOT NULL,
  file_name       TEXT NOT NULL,
  format          TEXT,                -- payments | refunds | jsonl, null: found from the file
  file_bytes      INTEGER NOT NULL,
  rows            INTEGER NOT NULL DEFAULT 0,
  report          TEXT,                -- the ReplayReport JSON, once done
  error_code      TEXT,
  error_message   TEXT,
  finished_at     TEXT
) STRICT;
CREATE INDEX replays_by_org ON replays (org_id, created_ms, id);
CREATE INDEX replays_due ON replays (delete_after_ms) WHERE deleted_at IS NULL;

-- One row per replayed refund, in replay order.
CREATE TABLE replay_results (
  replay_id      TEXT NOT NULL,
  n              INTEGER NOT NULL,
  refund_id      TEXT NOT NULL,
  created        TEXT NOT NULL,
  amount_cents   INTEGER NOT NULL,
  currency       TEXT NOT NULL,
  charge_id      TEXT,
  customer_id    TEXT,
  source         TEXT,
  outcome        TEXT NOT NULL,
  matched_rule   TEXT,
  approver_role  TEXT,
  PRIMARY KEY (replay_id, n)
) STRICT, WITHOUT ROWID;

-- Read-only access to an organisation's Stripe account. Only restricted keys (rk_…) are ever
-- accepted: Axiru never holds a key that can move money.
CREATE TABLE stripe_connections (
  org_id         TEXT PRIMARY KEY REFERENCES organisations(id),
  restricted_key TEXT NOT NULL,
  key_hint       TEXT NOT NULL,
  mode           TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  webhook_secret TEXT,
  updated_at     TEXT NOT NULL,
  updated_by     TEXT NOT NULL
) STRICT;

-- Every Stripe event handled, so a redelivered event is answered 200 and does nothing.
CREATE TABLE stripe_events (
  org_id      TEXT NOT NULL,
  event_id    TEXT NOT NULL,
  type        TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (org_id, event_id)
) STRICT;

-- Refunds seen through Stripe, and what Axiru made of each.
CREATE TABLE stripe_refunds (
  org_id       TEXT NOT NULL,
  refund_id    TEXT NOT NULL,
  charge_id    TEXT,
  amount_cents INTEGER NOT NULL,
  currency     TEXT NOT NULL,
  status       TEXT NOT NULL,          -- Stripe's: pending, succeeded, failed, canceled, requires_action
  created_ms   INTEGER NOT NULL,       -- when Stripe created the refund
  intent_id    TEXT,                   -- the intent it executed, or the observed intent it created
  bypass       INTEGER NOT NULL CHECK (bypass IN (0, 1)),
  over_amount  INTEGER NOT NULL CHECK (over_amount IN (0, 1)),
  seq          INTEGER NOT NULL,       -- the record that sealed it
  PRIMARY KEY (org_id, refund_id)
) STRICT;
CREATE INDEX stripe_refunds_by_time ON stripe_refunds (org_id, created_ms);
CREATE INDEX stripe_refunds_by_intent ON stripe_refunds (org_id, intent_id) WHERE intent_id IS NOT NULL;
