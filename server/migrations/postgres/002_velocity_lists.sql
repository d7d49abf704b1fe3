-- The PostgreSQL schema, version 2: velocity facts and lists, as SQLite's 014_velocity_lists.sql.

-- Velocity facts count and sum an organisation's earlier refunds in a window, scoped to the
-- same customer, source or Connect account (docs/language.md, "Velocity facts"). Each index
-- starts with the scope's equality columns and then the time range, and carries status,
-- currency and amount (INCLUDE) so the query is an index-only scan of the window's entries:
-- its cost follows the refunds inside the window, never the length of the history.
-- intents_by_customer replaces 001's, which carried status alone; it still covers countForCustomer.
DROP INDEX intents_by_customer;
CREATE INDEX intents_by_customer ON intents (org_id, customer_id, received_ms) INCLUDE (status, currency, amount_cents)
  WHERE customer_id IS NOT NULL;
CREATE INDEX intents_by_source ON intents (org_id, source, received_ms) INCLUDE (status, currency, amount_cents);
CREATE INDEX intents_by_merchant ON intents (org_id, stripe_account, received_ms) INCLUDE (status, currency, amount_cents)
  WHERE stripe_account IS NOT NULL;

-- Lists are organisation data that policies read (`customer in list vip_customers`). Every
-- change is a `list` record in the chain; these tables are the lists projection, a fold of
-- those records (server/src/projections/listsProjection.ts), rebuildable from the ledger.
-- Names and values collate as "C" (byte order, as SQLite's BINARY): listings and the values
-- shown are in the same order on both engines whatever the database's default collation.
CREATE TABLE lists (
  org_id     TEXT NOT NULL,
  name       TEXT COLLATE "C" NOT NULL,
  version    BIGINT NOT NULL,   -- 1 for the first change, +1 for each later one
  size       BIGINT NOT NULL,
  seq        BIGINT NOT NULL,   -- the record of the latest change
  updated_at TEXT NOT NULL,
  PRIMARY KEY (org_id, name)
);

CREATE TABLE list_values (
  org_id TEXT NOT NULL,
  name   TEXT COLLATE "C" NOT NULL,
  value  TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (org_id, name, value)
);

-- Which record made each version: audit replay folds those records to the version a decision read.
CREATE TABLE list_versions (
  org_id  TEXT NOT NULL,
  name    TEXT COLLATE "C" NOT NULL,
  version BIGINT NOT NULL,
  seq     BIGINT NOT NULL,
  PRIMARY KEY (org_id, name, version)
);

-- No chain holds a list record yet, so the projection is current at every head.
INSERT INTO projection_cursors (projection, org_id, seq) SELECT 'lists', org_id, seq FROM chain_heads;
