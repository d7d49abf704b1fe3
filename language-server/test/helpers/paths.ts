import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
/** Six refunds over 30 days (2026-03-01 to 2026-03-31), replayed by the lens tests. */
export const HISTORY = `${FIXTURES}history/refunds.jsonl`;
export const LENS_POLICY_PATH = `${FIXTURES}lens-policy.axiru`;
export const LENS_POLICY = readFileSync(LENS_POLICY_PATH, 'utf8');
