-- Axiru server schema, version 4: shadow policies and the observe/enforce mode.
-- As before, the ledger is the source of truth: starting and stopping a shadow, promoting a
-- version and changing the mode are records in the organisation's chain, and every shadow
-- decision is sealed inside its request's decision record. The tables below are projections
-- written in the same transaction as those records.

-- Existing organisations keep enforcing; `axiru orgs create --mode observe` starts one in observe.
ALTER TABLE organisations ADD COLUMN mode TEXT NOT NULL DEFAULT 'enforce' CHECK (mode IN ('observe', 'enforce'));

-- The running shadow versions as a JSON array of integers, kept in step with shadow_policies.
-- The decision path already reads the organisation row inside its write transaction, so the
-- shadow set arrives with it: no extra query per decision, and no process has to be told.
ALTER TABLE organisations ADD COLUMN shadow_versions TEXT NOT NULL DEFAULT '[]';

-- 0 when the live policy's decision was recorded but not enforced (observe mode): the intent's
-- `outcome` is then the would-be outcome and its `status` is `allowed`.
ALTER TABLE intents ADD COLUMN enforced INTEGER NOT NULL DEFAULT 1;

-- Every period a version ran as a shadow; a stopped period keeps its row (history).
CREATE TABLE shadow_policies (
  org_id      TEXT NOT NULL,
  version     INTEGER NOT NULL,
  started_seq INTEGER NOT NULL,   -- the record that started it
  started_at  TEXT NOT NULL,
  started_by  TEXT NOT NULL,
  stopped_seq INTEGER,
  stopped_at  TEXT,
  stopped_by  TEXT,
  PRIMARY KEY (org_id, started_seq)
) STRICT;
CREATE UNIQUE INDEX shadow_policies_running ON shadow_policies (org_id, version) WHERE stopped_seq IS NULL;

-- One row per (intent, shadow version), beside what the live policy decided for the same
-- input and facts, so a diff is one indexed scan without reading ledger bodies.
CREATE TABLE shadow_decisions (
  org_id         TEXT NOT NULL,
  policy_version INTEGER NOT NULL,   -- the shadow version
  seq            INTEGER NOT NULL,   -- the decision record in the chain
  intent_id      TEXT NOT NULL,
  received_ms    INTEGER NOT NULL,
  amount_cents   INTEGER NOT NULL,
  currency       TEXT NOT NULL,
  live_version   INTEGER NOT NULL,
  live_outcome   TEXT NOT NULL,      -- the live policy's decision (the would-be one in observe mode)
  live_rule      TEXT,
  outcome        TEXT NOT NULL,
  matched_rule   TEXT,
  PRIMARY KEY (org_id, policy_version, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX shadow_decisions_by_time ON shadow_decisions (org_id, policy_version, received_ms);
