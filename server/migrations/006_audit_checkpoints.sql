-- Merkle trees over each organisation's ledger, signed checkpoints and the keys that sign them.
-- merkle_nodes holds every complete, aligned subtree (level 0 = the record's leaf hash, index
-- counted from 0 at that level), written in the transaction that appends the record: about two
-- rows per record, and any proof needs only O(log n) of them. merkle_sizes says how many
-- records each tree covers (equal to the chain head's seq once caught up).

CREATE TABLE merkle_nodes (
  org_id TEXT NOT NULL,
  level  INTEGER NOT NULL,
  idx    INTEGER NOT NULL,
  hash   BLOB NOT NULL,
  PRIMARY KEY (org_id, level, idx)
) STRICT, WITHOUT ROWID;

CREATE TABLE merkle_sizes (
  org_id TEXT PRIMARY KEY,
  size   INTEGER NOT NULL
) STRICT;

-- Ed25519 keys of this installation. The private key is PKCS#8 PEM, unencrypted: whoever can
-- read this file can sign, which is why checkpoints matter only once someone outside holds them.
CREATE TABLE audit_signing_keys (
  id          TEXT PRIMARY KEY,        -- ed25519:<16 hex of SHA-256(SPKI DER)>
  public_key  TEXT NOT NULL,           -- SPKI PEM
  private_key TEXT NOT NULL,           -- PKCS#8 PEM
  created_at  TEXT NOT NULL,
  retired_at  TEXT,                    -- set when a newer key replaced it; it still verifies old checkpoints
  endorsed_by TEXT,                    -- the key it replaced
  endorsement TEXT                     -- base64 Ed25519 signature of the replaced key over this key
) STRICT;

CREATE TABLE audit_checkpoints (
  org_id    TEXT NOT NULL,
  tree_size INTEGER NOT NULL,
  root      TEXT NOT NULL,             -- hex
  time      TEXT NOT NULL,
  key_id    TEXT NOT NULL REFERENCES audit_signing_keys(id),
  signature TEXT NOT NULL,             -- base64
  PRIMARY KEY (org_id, tree_size)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER audit_checkpoints_refuse_update BEFORE UPDATE ON audit_checkpoints
BEGIN
  SELECT RAISE(ABORT, 'checkpoints are append-only');
END;

CREATE TRIGGER audit_checkpoints_refuse_delete BEFORE DELETE ON audit_checkpoints
BEGIN
  SELECT RAISE(ABORT, 'checkpoints are append-only');
END;
