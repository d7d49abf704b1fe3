-- The PostgreSQL schema: the same tables, columns and indexes as the SQLite migrations 001-013
-- (server/migrations), in one step, since a PostgreSQL database starts at this version.
-- INTEGER is BIGINT (SQLite's integers are 64-bit), BLOB is BYTEA.

-- from 001_initial.sql
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
  live_policy_version BIGINT,
  created_at          TEXT NOT NULL
);

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
);
CREATE INDEX api_keys_by_org ON api_keys (org_id);

-- Every IR ever published, by content hash, so any old decision can be re-evaluated.
CREATE TABLE policy_irs (
  hash TEXT PRIMARY KEY,
  ir   TEXT NOT NULL
);

CREATE TABLE policies (
  org_id     TEXT NOT NULL REFERENCES organisations(id),
  version    BIGINT NOT NULL,
  name       TEXT NOT NULL,
  ir_hash    TEXT NOT NULL REFERENCES policy_irs(hash),
  source     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (org_id, version)
);

CREATE TABLE ledger (
  org_id    TEXT NOT NULL,
  seq       BIGINT NOT NULL,
  kind      TEXT NOT NULL,
  intent_id TEXT,
  time      TEXT NOT NULL,
  actor     TEXT NOT NULL,
  body      TEXT NOT NULL,   -- RFC 8785 canonical JSON, exactly the bytes that were hashed
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL,
  UNIQUE (org_id, seq)
);
CREATE INDEX ledger_by_intent ON ledger (org_id, intent_id) WHERE intent_id IS NOT NULL;

CREATE FUNCTION ledger_refuses_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'ledger is append-only'; END $$;
CREATE TRIGGER ledger_refuses_update BEFORE UPDATE ON ledger FOR EACH ROW EXECUTE FUNCTION ledger_refuses_update();

CREATE FUNCTION ledger_refuses_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'ledger is append-only'; END $$;
CREATE TRIGGER ledger_refuses_delete BEFORE DELETE ON ledger FOR EACH ROW EXECUTE FUNCTION ledger_refuses_delete();

CREATE TABLE chain_heads (
  org_id TEXT PRIMARY KEY,
  seq    BIGINT NOT NULL,
  hash   TEXT NOT NULL
);

-- Keyed by (org_id, id) without a rowid: intent ids are UUIDv7 (time-ordered), so new intents
-- land at the right edge of the tree instead of on a random page.
CREATE TABLE intents (
  org_id           TEXT NOT NULL,
  id               TEXT NOT NULL,
  seq              BIGINT NOT NULL,   -- the decision record's position in the chain
  received_at      TEXT NOT NULL,
  received_ms      BIGINT NOT NULL,   -- received_at as epoch milliseconds, for fact windows
  source           TEXT NOT NULL,
  outcome          TEXT NOT NULL,
  status           TEXT NOT NULL,
  amount_cents     BIGINT NOT NULL,
  currency         TEXT NOT NULL,
  customer_id      TEXT,
  stripe_account   TEXT,
  stripe_charge_id TEXT,
  policy_version   BIGINT NOT NULL,
  matched_rule     TEXT,
  PRIMARY KEY (org_id, id)
);
CREATE INDEX intents_by_seq ON intents (org_id, seq);
CREATE INDEX intents_by_customer ON intents (org_id, customer_id, received_ms) WHERE customer_id IS NOT NULL;
-- Shaped like the fact queries that use them (equality columns first, then the time range), so
-- the planner prefers them to the primary key without needing ANALYZE statistics.
CREATE INDEX intents_by_charge ON intents (org_id, stripe_charge_id, currency, received_ms) WHERE stripe_charge_id IS NOT NULL;

CREATE TABLE idempotency_keys (
  org_id       TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status_code  BIGINT NOT NULL,
  response     TEXT NOT NULL,   -- the exact response bytes, replayed verbatim
  created_ms   BIGINT NOT NULL,
  PRIMARY KEY (org_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_ms);

-- from 002_users_approvals_controls.sql
-- Axiru server schema, version 2: people, approvals, controls.
-- As in 001, the ledger stays the source of truth: every approval, denial, expiry, hold,
-- release, control change and execution is a record in the organisation's chain, and the
-- tables below are projections written in the same transaction as that record.

-- How long an approval request stays open before it expires (the issue's default: 72 h).
ALTER TABLE organisations ADD COLUMN approval_ttl_ms BIGINT NOT NULL DEFAULT 259200000;

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
);
CREATE INDEX users_by_slack ON users (org_id, slack_user_id) WHERE slack_user_id IS NOT NULL;

-- The approval side of an intent, fixed when its decision is sealed.
ALTER TABLE intents ADD COLUMN requested_by TEXT;
ALTER TABLE intents ADD COLUMN approver_roles TEXT;        -- JSON array: the roles the decision asked for
ALTER TABLE intents ADD COLUMN approvals_required BIGINT;
ALTER TABLE intents ADD COLUMN expires_ms BIGINT;         -- pending approval expires at this instant
ALTER TABLE intents ADD COLUMN held_from TEXT;             -- the status a hold interrupted (release restores it)
CREATE INDEX intents_pending_expiry ON intents (expires_ms) WHERE status = 'pending_approval';

CREATE TABLE approvals (
  org_id    TEXT NOT NULL,
  intent_id TEXT NOT NULL,
  user_id   TEXT NOT NULL,
  verdict   TEXT NOT NULL CHECK (verdict IN ('approve', 'deny')),
  role      TEXT NOT NULL,
  seq       BIGINT NOT NULL,   -- the approval/denial record in the chain
  time      TEXT NOT NULL,
  PRIMARY KEY (org_id, intent_id, user_id)   -- one act per person per request
);

-- Controls in force (their history is in the ledger).
CREATE TABLE controls (
  org_id     TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('freeze', 'kill_switch')),
  scope      TEXT NOT NULL,   -- freeze: the Stripe account; kill switch: "org" or "source:<name>"
  reason     TEXT NOT NULL,
  actor      TEXT NOT NULL,
  seq        BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (org_id, kind, scope)
);

-- from 003_webhooks_slack.sql
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
);
CREATE INDEX webhook_endpoints_by_org ON webhook_endpoints (org_id);

CREATE TABLE webhook_deliveries (
  id              TEXT PRIMARY KEY,
  org_id          TEXT NOT NULL,
  endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints(id),
  event_id        TEXT NOT NULL,
  event_type      TEXT NOT NULL,
  payload         TEXT NOT NULL,   -- the exact body that is signed and sent
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        BIGINT NOT NULL,
  next_attempt_ms BIGINT,
  last_status     BIGINT,         -- the receiver's last HTTP status, if it answered
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  delivered_at    TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_ms) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (org_id, endpoint_id, created_at);

CREATE TABLE slack_settings (
  org_id         TEXT PRIMARY KEY REFERENCES organisations(id),
  bot_token      TEXT NOT NULL,
  channel        TEXT NOT NULL,
  signing_secret TEXT NOT NULL
);

-- The message posted for each approval request, to update it when the request resolves.
CREATE TABLE slack_messages (
  org_id    TEXT NOT NULL,
  intent_id TEXT NOT NULL,
  channel   TEXT NOT NULL,
  ts        TEXT NOT NULL,
  PRIMARY KEY (org_id, intent_id)
);

-- from 004_shadow_mode.sql
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
ALTER TABLE intents ADD COLUMN enforced BIGINT NOT NULL DEFAULT 1;

-- Every period a version ran as a shadow; a stopped period keeps its row (history).
CREATE TABLE shadow_policies (
  org_id      TEXT NOT NULL,
  version     BIGINT NOT NULL,
  started_seq BIGINT NOT NULL,   -- the record that started it
  started_at  TEXT NOT NULL,
  started_by  TEXT NOT NULL,
  stopped_seq BIGINT,
  stopped_at  TEXT,
  stopped_by  TEXT,
  PRIMARY KEY (org_id, started_seq)
);
CREATE UNIQUE INDEX shadow_policies_running ON shadow_policies (org_id, version) WHERE stopped_seq IS NULL;

-- One row per (intent, shadow version), beside what the live policy decided for the same
-- input and facts, so a diff is one indexed scan without reading ledger bodies.
CREATE TABLE shadow_decisions (
  org_id         TEXT NOT NULL,
  policy_version BIGINT NOT NULL,   -- the shadow version
  seq            BIGINT NOT NULL,   -- the decision record in the chain
  intent_id      TEXT NOT NULL,
  received_ms    BIGINT NOT NULL,
  amount_cents   BIGINT NOT NULL,
  currency       TEXT NOT NULL,
  live_version   BIGINT NOT NULL,
  live_outcome   TEXT NOT NULL,      -- the live policy's decision (the would-be one in observe mode)
  live_rule      TEXT,
  outcome        TEXT NOT NULL,
  matched_rule   TEXT,
  PRIMARY KEY (org_id, policy_version, seq)
);
CREATE INDEX shadow_decisions_by_time ON shadow_decisions (org_id, policy_version, received_ms);

-- from 005_replays_stripe.sql
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
  created_ms      BIGINT NOT NULL,
  created_by      TEXT NOT NULL,
  delete_after    TEXT NOT NULL,
  delete_after_ms BIGINT NOT NULL,
  deleted_at      TEXT,
  policy_version  BIGINT NOT NULL,
  file_name       TEXT NOT NULL,
  format          TEXT,                -- payments | refunds | jsonl, null: found from the file
  file_bytes      BIGINT NOT NULL,
  rows            BIGINT NOT NULL DEFAULT 0,
  report          TEXT,                -- the ReplayReport JSON, once done
  error_code      TEXT,
  error_message   TEXT,
  finished_at     TEXT
);
CREATE INDEX replays_by_org ON replays (org_id, created_ms, id);
CREATE INDEX replays_due ON replays (delete_after_ms) WHERE deleted_at IS NULL;

-- One row per replayed refund, in replay order.
CREATE TABLE replay_results (
  replay_id      TEXT NOT NULL,
  n              BIGINT NOT NULL,
  refund_id      TEXT NOT NULL,
  created        TEXT NOT NULL,
  amount_cents   BIGINT NOT NULL,
  currency       TEXT NOT NULL,
  charge_id      TEXT,
  customer_id    TEXT,
  source         TEXT,
  outcome        TEXT NOT NULL,
  matched_rule   TEXT,
  approver_role  TEXT,
  PRIMARY KEY (replay_id, n)
);

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
);

-- Every Stripe event handled, so a redelivered event is answered 200 and does nothing.
CREATE TABLE stripe_events (
  org_id      TEXT NOT NULL,
  event_id    TEXT NOT NULL,
  type        TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (org_id, event_id)
);

-- Refunds seen through Stripe, and what Axiru made of each.
CREATE TABLE stripe_refunds (
  org_id       TEXT NOT NULL,
  refund_id    TEXT NOT NULL,
  charge_id    TEXT,
  amount_cents BIGINT NOT NULL,
  currency     TEXT NOT NULL,
  status       TEXT NOT NULL,          -- Stripe's: pending, succeeded, failed, canceled, requires_action
  created_ms   BIGINT NOT NULL,       -- when Stripe created the refund
  intent_id    TEXT,                   -- the intent it executed, or the observed intent it created
  bypass       BIGINT NOT NULL CHECK (bypass IN (0, 1)),
  over_amount  BIGINT NOT NULL CHECK (over_amount IN (0, 1)),
  seq          BIGINT NOT NULL,       -- the record that sealed it
  PRIMARY KEY (org_id, refund_id)
);
CREATE INDEX stripe_refunds_by_time ON stripe_refunds (org_id, created_ms);
CREATE INDEX stripe_refunds_by_intent ON stripe_refunds (org_id, intent_id) WHERE intent_id IS NOT NULL;

-- from 006_audit_checkpoints.sql
-- Merkle trees over each organisation's ledger, signed checkpoints and the keys that sign them.
-- merkle_nodes holds every complete, aligned subtree (level 0 = the record's leaf hash, index
-- counted from 0 at that level), written in the transaction that appends the record: about two
-- rows per record, and any proof needs only O(log n) of them. merkle_sizes says how many
-- records each tree covers (equal to the chain head's seq once caught up).

CREATE TABLE merkle_nodes (
  org_id TEXT NOT NULL,
  level  BIGINT NOT NULL,
  idx    BIGINT NOT NULL,
  hash   BYTEA NOT NULL,
  PRIMARY KEY (org_id, level, idx)
);

CREATE TABLE merkle_sizes (
  org_id TEXT PRIMARY KEY,
  size   BIGINT NOT NULL
);

-- Ed25519 keys of this installation. The private key is PKCS#8 PEM, unencrypted: whoever can
-- read this file can sign, which is why checkpoints matter only once someone outside holds them.
CREATE TABLE audit_signing_keys (
  rid         BIGSERIAL,               -- insertion order (SQLite orders by rowid)
  id          TEXT PRIMARY KEY,        -- ed25519:<16 hex of SHA-256(SPKI DER)>
  public_key  TEXT NOT NULL,           -- SPKI PEM
  private_key TEXT NOT NULL,           -- PKCS#8 PEM
  created_at  TEXT NOT NULL,
  retired_at  TEXT,                    -- set when a newer key replaced it; it still verifies old checkpoints
  endorsed_by TEXT,                    -- the key it replaced
  endorsement TEXT                     -- base64 Ed25519 signature of the replaced key over this key
);

CREATE TABLE audit_checkpoints (
  org_id    TEXT NOT NULL,
  tree_size BIGINT NOT NULL,
  root      TEXT NOT NULL,             -- hex
  time      TEXT NOT NULL,
  key_id    TEXT NOT NULL REFERENCES audit_signing_keys(id),
  signature TEXT NOT NULL,             -- base64
  PRIMARY KEY (org_id, tree_size)
);

CREATE FUNCTION audit_checkpoints_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'checkpoints are append-only'; END $$;
CREATE TRIGGER audit_checkpoints_refuse_update BEFORE UPDATE ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_refuse_update();

CREATE FUNCTION audit_checkpoints_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'checkpoints are append-only'; END $$;
CREATE TRIGGER audit_checkpoints_refuse_delete BEFORE DELETE ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_refuse_delete();

-- from 007_exports.sql
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
  cursor_seq        BIGINT NOT NULL DEFAULT 0 CHECK (cursor_seq >= 0),
  pending_to_seq    BIGINT,
  attempts          BIGINT NOT NULL DEFAULT 0,   -- failed attempts of the batch in flight
  next_attempt_ms   BIGINT,                      -- not before this time (backoff), epoch ms
  last_error        TEXT,
  last_error_at     TEXT,
  last_success_at   TEXT,
  delivered         BIGINT NOT NULL DEFAULT 0    -- records acknowledged so far
);
CREATE INDEX export_sinks_by_org ON export_sinks (org_id, created_at) WHERE deleted_at IS NULL;
-- A config-file line keeps its cursor across restarts by its (org, name).
CREATE UNIQUE INDEX export_sinks_configured ON export_sinks (org_id, name) WHERE origin = 'config' AND deleted_at IS NULL;

-- from 008_sessions.sql
-- Axiru server schema, version 8: signing in to the dashboard.
-- Passwords, sessions and invites are credentials, not events: they live beside the ledger,
-- never in it. Every secret is stored only as a hash.

-- scrypt$<log2 N>$<r>$<p>$<salt base64url>$<hash base64url> (services/passwords.ts); NULL until
-- the user sets a password (users add --password, or an invite).
ALTER TABLE users ADD COLUMN password_hash TEXT;

CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY,   -- SHA-256 hex of the cookie value; the token itself is never stored
  org_id       TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  csrf_token   TEXT NOT NULL,      -- must come back in X-CSRF-Token on every state-changing request
  created_ms   BIGINT NOT NULL,
  last_seen_ms BIGINT NOT NULL,   -- idle expiry counts from here
  expires_ms   BIGINT NOT NULL    -- absolute expiry, fixed at sign-in
);
CREATE INDEX sessions_by_user ON sessions (org_id, user_id);

CREATE TABLE invites (
  token_hash TEXT PRIMARY KEY,     -- SHA-256 hex of the token in the invite link
  org_id     TEXT NOT NULL,
  user_id    TEXT NOT NULL,
  created_by TEXT NOT NULL,        -- user:<id>, api_key:<id> or cli
  created_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL,
  used_ms    BIGINT               -- an invite sets a password once
);

-- from 009_covering_fact_indexes.sql
-- Axiru server schema, version 9: the fact queries answered from their indexes alone.
-- Every decision counts a customer's recent refunds and sums a charge's refunded amount. With
-- the 001 indexes each matching entry cost a second search of the intents table (WITHOUT ROWID,
-- so a primary-key descent) just to read `status` and `amount_cents`, usually on pages outside
-- the cache. Carrying those columns in the index makes both queries index-only.
DROP INDEX intents_by_customer;
CREATE INDEX intents_by_customer ON intents (org_id, customer_id, received_ms, status)
  WHERE customer_id IS NOT NULL;
DROP INDEX intents_by_charge;
CREATE INDEX intents_by_charge ON intents (org_id, stripe_charge_id, currency, received_ms, status, amount_cents)
  WHERE stripe_charge_id IS NOT NULL;

-- from 010_projections.sql
-- Axiru server schema, version 10: projections with cursors.
-- The ledger (with chain_heads) is the one source of truth. Tables derived from it are
-- projections (server/src/projections): each is a fold of an organisation's records in seq
-- order, and its cursor says up to which record it has been applied, in the same transaction
-- as the rows it wrote. A projection can therefore lag its chain, be caught up at any time, and
-- be dropped and rebuilt from record zero by the same code.
-- The Merkle projection's cursor is merkle_sizes.size (the records its tree covers).
CREATE TABLE projection_cursors (
  projection TEXT NOT NULL,
  org_id     TEXT NOT NULL,
  seq        BIGINT NOT NULL,   -- the last record applied
  PRIMARY KEY (projection, org_id)
);

-- Until now the intents view (intents, approvals, shadow_decisions) was written in the
-- transaction of every record, so it is caught up to each chain's head.
INSERT INTO projection_cursors (projection, org_id, seq) SELECT 'intents', org_id, seq FROM chain_heads;

-- from 011_secrets_at_rest.sql
-- Secrets at rest (server/src/secrets). Every stored secret column holds
-- `axiru-sealed:v1:<data key id>:<base64url(iv | ciphertext | tag)>`: AES-256-GCM under a data
-- key, bound to its column by the additional data. The data key is stored only wrapped
-- (AES-256-GCM) by the key-encryption key from AXIRU_SECRETS_KEY or the data folder's key file,
-- so re-wrapping it under a new key-encryption key is one row and no secret is re-encrypted.
CREATE TABLE secret_keys (
  id         TEXT PRIMARY KEY,      -- dk_<16 hex>: named by every sealed value
  wrapped    TEXT NOT NULL,         -- base64url(iv | ciphertext | tag) of the data key
  kek_id     TEXT NOT NULL,         -- kek_<16 hex>: fingerprint of the key-encryption key (never the key)
  kek_source TEXT NOT NULL CHECK (kek_source IN ('key', 'passphrase', 'file')),
  kdf_salt   TEXT,                  -- base64url scrypt salt when kek_source = 'passphrase'
  created_at TEXT NOT NULL,
  wrapped_at TEXT NOT NULL
);

-- from 012_sso.sql
-- Single sign-on (OpenID Connect) per organisation. The client secret is sealed
-- (010_secrets_at_rest.sql); role_map is JSON { "<idp group>": ["<role>", ...] }.
CREATE TABLE sso_settings (
  org_id        TEXT PRIMARY KEY REFERENCES organisations (id),
  issuer        TEXT NOT NULL,
  client_id     TEXT NOT NULL,
  client_secret TEXT NOT NULL,
  groups_claim  TEXT NOT NULL,
  role_map      TEXT NOT NULL,
  enforce       BIGINT NOT NULL CHECK (enforce IN (0, 1)),
  email_domains TEXT NOT NULL,       -- JSON array of lower-case domains for "Sign in with SSO" by email
  updated_at    TEXT NOT NULL,
  updated_by    TEXT NOT NULL
);

-- A sign-in in progress, keyed by its `state`; the browser also holds the state in a
-- SameSite=Lax cookie, so a callback only completes in the browser that started it.
CREATE TABLE sso_flows (
  state         TEXT PRIMARY KEY,
  org_id        TEXT NOT NULL,
  code_verifier TEXT NOT NULL,       -- sealed
  nonce         TEXT NOT NULL,
  redirect_uri  TEXT NOT NULL,       -- the callback URL sent at start, sent again with the code
  created_ms    BIGINT NOT NULL
);

-- Users created by single sign-on are keyed by issuer + subject, never by email alone.
ALTER TABLE users ADD COLUMN sso_issuer TEXT;
ALTER TABLE users ADD COLUMN sso_subject TEXT;
CREATE UNIQUE INDEX users_by_sso ON users (org_id, sso_issuer, sso_subject) WHERE sso_issuer IS NOT NULL;

-- How the session was opened: 'password' (or an invite) or 'sso'.
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';

-- from 013_rate_limits.sql
-- Axiru server schema, version 10: per-organisation rate limits.
-- Only what an organisation changed from the server's defaults is stored (a JSON object with
-- any of decision_per_key, decision_per_org, admin_per_key, admin_per_org); no row means the
-- defaults. Limits are enforced in memory (token buckets); this table only configures them.
CREATE TABLE org_rate_limits (
  org_id     TEXT PRIMARY KEY,
  limits     TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

