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
