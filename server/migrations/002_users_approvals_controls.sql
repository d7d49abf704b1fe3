-- Axiru server schema, version 2: people, approvals, controls.
-- As in 001, the ledger stays the source of truth: every approval, denial, expiry, hold,
-- release, control change and execution is a record in the organisation's chain, and the
-- tables below are projections written in the same transaction as that record.

-- How long an approval request stays open before it expires (the issue's default: 72 h).
ALTER TABLE organisations ADD COLUMN approval_ttl_ms INTEGER NOT NULL DEFAULT 259200000;

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  org_id        TEXT NOT NULL REFERENCES organisations(id),
  email         TEXT NOT NULL,
  name          TEXT NOT NULL,
  roles         TEXT NOT NULL,          -- JSON array of role names (policy roles and/or "admin")
  slack_user_id TEXT,
  key_hash      TEXT NOT NULL UNIQUE,   -- SHA-256 hex of the sk_user_ key; the key is never stored
  key_hint      TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  disabled_at   TEXT,
  UNIQUE (org_id, email)
) STRICT;
CREATE INDEX users_by_slack ON users (org_id, slack_user_id) WHERE slack_user_id IS NOT NULL;

-- The approval side of an intent, fixed when its decision is sealed.
ALTER TABLE intents ADD COLUMN requested_by TEXT;
ALTER TABLE intents ADD COLUMN approver_roles TEXT;        -- JSON array: the roles the decision asked for
ALTER TABLE intents ADD COLUMN approvals_required INTEGER;
ALTER TABLE intents ADD COLUMN expires_ms INTEGER;         -- pending approval expires at this instant
ALTER TABLE intents ADD COLUMN held_from TEXT;             -- the status a hold interrupted (release restores it)
CREATE INDEX intents_pending_expiry ON intents (expires_ms) WHERE status = 'pending_approval';

CREATE TABLE approvals (
  org_id    TEXT NOT NULL,
  intent_id TEXT NOT NULL,
  user_id   TEXT NOT NULL,
  verdict   TEXT NOT NULL CHECK (verdict IN ('approve', 'deny')),
  role      TEXT NOT NULL,
  seq       INTEGER NOT NULL,   -- the approval/denial record in the chain
  time      TEXT NOT NULL,
  PRIMARY KEY (org_id, intent_id, user_id)   -- one act per person per request
) STRICT;

-- Controls in force (their history is in the ledger).
CREATE TABLE controls (
  org_id     TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('freeze', 'kill_switch')),
  scope      TEXT NOT NULL,   -- freeze: the Stripe account; kill switch: "org" or "source:<name>"
  reason     TEXT NOT NULL,
  actor      TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (org_id, kind, scope)
) STRICT;
