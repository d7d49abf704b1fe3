import { canonicalJson } from '../../server/dist/ledger/canonicalJson.js';
import { createHash } from 'node:crypto';
function bench(label, n, fn) { for (let i = 0; i < 2000; i++) fn(i); const t = process.hrtime.bigint(); for (let i = 0; i < n; i++) fn(i); console.log(label.padEnd(28), (Number(process.hrtime.bigint() - t) / 1e3 / n).toFixed(2), 'us'); }
const body = { request: { action: 'refund', source: 'support_tool', amount_cents: 22000, currency: 'usd', stripe_charge_id: 'ch_3PLs9k', customer_id: 'cus_123', reason: 'duplicate_charge', customer_tenure_days: 9 }, facts: { customer_refunds_last_30_days: 2 }, policy: { name: 'acme-refunds', version: 'v3', ir_hash: 'sha256:' + 'a'.repeat(64) }, decision: { outcome: 'pending_approval', reason: 'Refunds over $150 require approval', policy_version: 'v3', matched_rule: 'high_value_refund_review', approver_role: 'finance_manager', approver_roles: ['finance_manager'], approvals_required: 1, matched_rules: ['high_value_refund_review'], missing_fields: [] } };
const text = canonicalJson(body);
bench('canonicalJson(body)', 50000, () => canonicalJson(body));
bench('JSON.stringify(body)', 50000, () => JSON.stringify(body));
bench('sha256(text)', 50000, () => createHash('sha256').update(text, 'utf8').digest('hex'));
bench('quote x1', 200000, (i) => JSON.stringify('support_tool'));
bench('Object.keys.sort', 200000, () => Object.keys(body.decision).sort());
