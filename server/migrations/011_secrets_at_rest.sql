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
) STRICT;
