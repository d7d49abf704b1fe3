// Writes an exported audit bundle of N decision records (default 1,000,000) for one
// organisation, in exactly the format `axiru audit export` writes: header, public key, records
// (each line its canonical JSON, hash-chained), a signed checkpoint every 1,000 records and at
// the end. Records are shaped like real decision records (request, facts, policy, decision).
// Uses the built server modules (run `tsc -b` first).
//
//   node bench/audit/generate.mjs OUT [--records N] [--seed S]
// Prints the PEM public key's path (OUT + '.pem') and the file size.

import { createHash, generateKeyPairSync } from 'node:crypto';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { canonicalJson } from '../../runtime/dist/index.js';
import { keyIdOf, signCheckpoint } from '../../server/dist/audit/checkpoint.js';
import { MerkleFrontier } from '../../server/dist/audit/MerkleFrontier.js';
import { hashStoredContent } from '../../server/dist/ledger/chain.js';
import { recordLeafHash, recordLine } from '../../server/dist/audit/recordLine.js';
import { checkpointLine } from '../../server/dist/audit/exportBundle.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { records: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '7' } } });
const out = positionals[0];
if (!out) throw new Error('usage: generate.mjs OUT [--records N] [--seed S]');
const count = Number(values.records);

let state = Number(values.seed) >>> 0;
const next = () => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 4294967296;
};
const pick = (items) => items[Math.floor(next() * items.length)];

const ORG = 'org_2XsTsA6G9Iu6kGEH';
const IR_HASH = `sha256:${createHash('sha256').update('acme v3').digest('hex')}`;
const OUTCOMES = [
  { outcome: 'allow', reason: 'Routine refunds auto-allow', matched_rule: 'routine', approver_role: null, approver_roles: null, approvals_required: null },
  { outcome: 'pending_approval', reason: 'Refunds over $150 require approval', matched_rule: 'high_value_refund_review', approver_role: 'finance_manager', approver_roles: ['finance_manager'], approvals_required: 1 },
  { outcome: 'block', reason: 'Large refunds to new customers are blocked', matched_rule: 'new_customer_large_refund', approver_role: null, approver_roles: null, approvals_required: null },
  { outcome: 'flag', reason: 'Customer refunded 3 times in 30 days', matched_rule: 'serial_refunder', approver_role: null, approver_roles: null, approvals_required: null },
];

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const keyId = keyIdOf(publicKey);
const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
writeFileSync(`${out}.pem`, pem);

const fd = openSync(out, 'w');
const checkpoints = Math.ceil(count / 1000);
let buffer = `${canonicalJson({ checkpoints, exported_at: '2026-05-01T00:00:00.000Z', org: ORG, records: count, type: 'axiru-audit-bundle', version: 1 })}\n`;
buffer += `${canonicalJson({ type: 'public_key', key_id: keyId, algorithm: 'ed25519', public_key: pem, created_at: '2026-04-01T00:00:00.000Z', endorsed_by: null, endorsement: null })}\n`;
const tree = new MerkleFrontier();
let prev = '0'.repeat(64);
const start = Date.parse('2026-04-01T00:00:00.000Z');
for (let seq = 1; seq <= count; seq += 1) {
  const decided = pick(OUTCOMES);
  const amount = 500 + Math.floor(next() * 400_000);
  const request = {
    source: pick(['support_tool', 'ai_agent', 'automation']), action: 'refund', amount_cents: amount, currency: pick(['usd', 'usd', 'eur']),
    stripe_charge_id: `ch_3PLs${Math.floor(next() * 1e9).toString(36)}`, customer_id: `cus_${Math.floor(next() * 1e7).toString(36)}`,
    customer_tenure_days: Math.floor(next() * 900), reason: pick(['duplicate_charge', 'requested_by_customer', 'fraudulent']),
    metadata: { ticket: `Z-${Math.floor(next() * 100000)}` },
  };
  const body = {
    request,
    facts: { customer_refunds_last_30_days: Math.floor(next() * 5), charge_refunded_cents: Math.floor(next() * amount) },
    policy: { name: 'acme-refunds', version: 'v3', ir_hash: IR_HASH },
    decision: { ...decided, policy_version: 'v3', matched_rules: [decided.matched_rule], missing_fields: [] },
  };
  const canonicalBody = canonicalJson(body);
  const content = {
    org_id: ORG, seq, kind: 'decision', intent_id: `0196${seq.toString(16).padStart(8, '0')}-0000-7000-8000-000000000000`,
    time: new Date(start + seq * 250).toISOString(), actor: 'api_key:key_2XsTsA6G9Iu6', prev_hash: prev,
  };
  const hash = hashStoredContent(content, canonicalBody);
  const line = recordLine({ ...content, body: canonicalBody, hash });
  tree.appendLeafHash(recordLeafHash({ hash }));
  prev = hash;
  buffer += `${line}\n`;
  if (seq % 1000 === 0 || seq === count) {
    const checkpoint = signCheckpoint({ org: ORG, tree_size: seq, root: tree.root().toString('hex'), time: new Date(start + seq * 250).toISOString(), key_id: keyId }, privateKey);
    buffer += `${checkpointLine(checkpoint)}\n`;
  }
  if (buffer.length > 8_000_000) {
    writeSync(fd, buffer);
    buffer = '';
  }
}
writeSync(fd, buffer);
closeSync(fd);
console.log(JSON.stringify({ out, public_key: `${out}.pem`, records: count, checkpoints }));
