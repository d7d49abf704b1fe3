-- Single sign-on (OpenID Connect) per organisation. The client secret is sealed
-- (010_secrets_at_rest.sql); role_map is JSON { "<idp group>": ["<role>", ...] }.
CREATE TABLE sso_settings (
  org_id        TEXT PRIMARY KEY REFERENCES organisations (id),
  issuer        TEXT NOT NULL,
  client_id     TEXT NOT NULL,
  client_secret TEXT NOT NULL,
  groups_claim  TEXT NOT NULL,
  role_map      TEXT NOT NULL,
  enforce       INTEGER NOT NULL CHECK (enforce IN (0, 1)),
  email_domains TEXT NOT NULL,       -- JSON array of lower-case domains for "Sign in with SSO" by email
  updated_at    TEXT NOT NULL,
  updated_by    TEXT NOT NULL
) STRICT;

-- A sign-in in progress, keyed by its `state`; the browser also holds the state in a
-- SameSite=Lax cookie, so a callback only completes in the browser that started it.
CREATE TABLE sso_flows (
  state         TEXT PRIMARY KEY,
  org_id        TEXT NOT NULL,
  code_verifier TEXT NOT NULL,       -- sealed
  nonce         TEXT NOT NULL,
  redirect_uri  TEXT NOT NULL,       -- the callback URL sent at start, sent again with the code
  created_ms    INTEGER NOT NULL
) STRICT;

-- Users created by single sign-on are keyed by issuer + subject, never by email alone.
ALTER TABLE users ADD COLUMN sso_issuer TEXT;
ALTER TABLE users ADD COLUMN sso_subject TEXT;
CREATE UNIQUE INDEX users_by_sso ON users (org_id, sso_issuer, sso_subject) WHERE sso_issuer IS NOT NULL;

-- How the session was opened: 'password' (or an invite) or 'sso'.
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';
