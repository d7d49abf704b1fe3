-- Axiru server schema, version 14: velocity facts and lists.
-- Velocity facts count and sum an organisation's earlier refunds in a window, scoped to the
-- same customer, source or Connect account (docs/language.md, "Velocity facts"). Each index
-- starts with the scope's equality columns and then the time range, and carries status,
-- currency and amount so the query reads the window's index entries alone: its cost follows
-- the refunds inside the window, never the length of the history.
DROP INDEX intents_by_customer;
CREATE INDEX intents_by_customer ON intents (org_id, customer_id, received_ms, status, currency, amount_cents)
  WHERE customer_id IS NOT NULL;
CREATE INDEX intents_by_source ON intents (org_id, source, received_ms, status, currency, amount_cents);
CREATE INDEX intents_by_merchant ON intents (org_id, stripe_account, received_ms, status, currency, amount_cents)
  WHERE stripe_account IS NOT NULL;

-- Lists are organisation data that policies read (`customer in list vip_customers`). Every
-- change is a `list` record in the chain; these tables are the lists projection, a fold of
-- those records (server/src/projections/listsProjection.ts), rebuildable from the ledger.
CREATE TABLE lists (
  org_id     TEXT NOT NULL,
  name       TEXT NOT NULL,
  version    INTEGER NOT NULL,   -- 1 for the first change, +1 for each later one
  size       INTEGER NOT NULL,
  seq        INTEGER NOT NULL,   -- the record of the latest change
  updated_at TEXT NOT NULL,
  PRIMARY KEY (org_id, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE list_values (
  org_id TEXT NOT NULL,
  name   TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (org_id, name, value)
) STRICT, WITHOUT ROWID;

-- Which record made each version: audit replay folds those records to the version a decision read.
CREATE TABLE list_versions (
  org_id  TEXT NOT NULL,
  name    TEXT NOT NULL,
  version INTEGER NOT NULL,
  seq     INTEGER NOT NULL,
  PRIMARY KEY (org_id, name, version)
) STRICT, WITHOUT ROWID;

-- No chain holds a list record yet, so the projection is current at every head.
INSERT INTO projection_cursors (projection, org_id, seq) SELECT 'lists', org_id, seq FROM chain_heads;
