-- Axiru server schema, version 1.
-- The ledger is the source of truth. `intents` and `chain_heads` are maintained in the same
-- transaction as the ledger rows they describe: `intents` is a queryable projection of the
-- decision records (its status will change as approvals and executions arrive), and
-- `chain_heads` is each organisation's last (seq, hash), which a writer reads inside its write
-- transaction so chain order never depends on one process's memory.

CREATE TABLE organisations (
  id                  TEXT PRIMARY KEY,
  name                TEXT NOT NULL,
  default_currency    TEXT NOT NULL,
  live_policy_version INTEGER,
  created_at          TEXT NOT NULL
) STRICT;

CREATE TABLE api_keys (
  id         TEXT PRIMARY KEY,
  org_id     TEXT NOT NULL REFERENCES organisations(id),
  kind       TEXT NOT NULL CHECK (kind IN ('decision', 'admin')),
  mode       TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  key_hash   TEXT NOT NULL UNIQUE,   -- SHA-256 hex of the full key; the key itself is never stored
  hint       TEXT NOT NULL,          -- e.g. sk_test_…a1B2, for people to tell keys apart
  label      TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT
) STRICT;
CREATE INDEX api_keys_by_org ON api_keys (org_id);

-- Every IR ever published, by content hash, so any old decision can be re-evaluated.
CREATE TABLE policy_irs (
  hash TEXT PRIMARY KEY,
  ir   TEXT NOT NULL
) STRICT;

CREATE TABLE policies (
  org_id     TEXT NOT NULL REFERENCES organisations(id),
  version    INTEGER NOT NULL,
  name       TEXT NOT NULL,
  ir_hash    TEXT NOT NULL REFERENCES policy_irs(hash),
  source     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (org_id, version)
) STRICT;

CREATE TABLE ledger (
  org_id    TEXT NOT NULL,
  seq       INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  intent_id TEXT,
  time      TEXT NOT NULL,
  actor     TEXT NOT NULL,
  body      TEXT NOT NULL,   -- RFC 8785 canonical JSON, exactly the bytes that were hashed
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL,
  UNIQUE (org_id, seq)
) STRICT;
CREATE INDEX ledger_by_intent ON ledger (org_id, intent_id) WHERE intent_id IS NOT NULL;

CREATE TRIGGER ledger_refuses_update BEFORE UPDATE ON ledger
BEGIN
  SELECT RAISE(ABORT, 'ledger is append-only');
END;

CREATE TRIGGER ledger_refuses_delete BEFORE DELETE ON ledger
BEGIN
  SELECT RAISE(ABORT, 'ledger is append-only');
END;

CREATE TABLE chain_heads (
  org_id TEXT PRIMARY KEY,
  seq    INTEGER NOT NULL,
  hash   TEXT NOT NULL
) STRICT;

-- Keyed by (org_id, id) without a rowid: intent ids are UUIDv7 (time-ordered), so new intents
-- land at the right edge of the tree instead of on a random page.
CREATE TABLE intents (
  org_id           TEXT NOT NULL,
  id               TEXT NOT NULL,
  seq              INTEGER NOT NULL,   -- the decision record's position in the chain
  received_at      TEXT NOT NULL,
  received_ms      INTEGER NOT NULL,   -- received_at as epoch milliseconds, for fact windows
  source           TEXT NOT NULL,
  outcome          TEXT NOT NULL,
  status           TEXT NOT NULL,
  amount_cents     INTEGER NOT NULL,
  currency         TEXT NOT NULL,
  customer_id      TEXT,
  stripe_account   TEXT,
  stripe_charge_id TEXT,
  policy_version   INTEGER NOT NULL,
  matched_rule     TEXT,
  PRIMARY KEY (org_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX intents_by_seq ON intents (org_id, seq);
CREATE INDEX intents_by_customer ON intents (org_id, customer_id, received_ms) WHERE customer_id IS NOT NULL;
-- Shaped like the fact queries that use them (equality columns first, then the time range), so
-- the planner prefers them to the primary key without needing ANALYZE statistics.
CREATE INDEX intents_by_charge ON intents (org_id, stripe_charge_id, currency, received_ms) WHERE stripe_charge_id IS NOT NULL;

CREATE TABLE idempotency_keys (
  org_id       TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status_code  INTEGER NOT NULL,
  response     TEXT NOT NULL,   -- the exact response bytes, replayed verbatim
  created_ms   INTEGER NOT NULL,
  PRIMARY KEY (org_id, key)
) STRICT;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_ms);
