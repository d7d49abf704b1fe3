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
  created_ms   INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,   -- idle expiry counts from here
  expires_ms   INTEGER NOT NULL    -- absolute expiry, fixed at sign-in
) STRICT;
CREATE INDEX sessions_by_user ON sessions (org_id, user_id);

CREATE TABLE invites (
  token_hash TEXT PRIMARY KEY,     -- SHA-256 hex of the token in the invite link
  org_id     TEXT NOT NULL,
  user_id    TEXT NOT NULL,
  created_by TEXT NOT NULL,        -- user:<id>, api_key:<id> or cli
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  used_ms    INTEGER               -- an invite sets a password once
) STRICT;
