-- Axiru server schema, version 10: per-organisation rate limits.
-- Only what an organisation changed from the server's defaults is stored (a JSON object with
-- any of decision_per_key, decision_per_org, admin_per_key, admin_per_org); no row means the
-- defaults. Limits are enforced in memory (token buckets); this table only configures them.
CREATE TABLE org_rate_limits (
  org_id     TEXT PRIMARY KEY,
  limits     TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;
