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
  seq        INTEGER NOT NULL,   -- the last record applied
  PRIMARY KEY (projection, org_id)
) STRICT, WITHOUT ROWID;

-- Until now the intents view (intents, approvals, shadow_decisions) was written in the
-- transaction of every record, so it is caught up to each chain's head.
INSERT INTO projection_cursors (projection, org_id, seq) SELECT 'intents', org_id, seq FROM chain_heads;
