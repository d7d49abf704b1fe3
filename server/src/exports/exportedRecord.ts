// A sealed ledger record as it leaves Axiru: every stored field, `hash` and `prev_hash`
// included, with the body parsed from its canonical text. Because the stored body is RFC 8785
// canonical JSON, `canonicalJson(body)` gives back exactly the hashed bytes, so a receiver can
// recompute `hash` from the exported record alone.

import type { StoredRecord } from '../ledger/chain.js';

export interface ExportedRecord {
  readonly org_id: string;
  readonly seq: number;
  readonly kind: string;
  readonly intent_id: string | null;
  readonly time: string;
  readonly actor: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly prev_hash: string;
  readonly hash: string;
}

export function exportedRecord(record: StoredRecord): ExportedRecord {
  return {
    org_id: record.org_id,
    seq: record.seq,
    kind: record.kind,
    intent_id: record.intent_id,
    time: record.time,
    actor: record.actor,
    body: JSON.parse(record.body) as Record<string, unknown>,
    prev_hash: record.prev_hash,
    hash: record.hash,
  };
}

/** A decision record's outcome (`allow`, `flag`, `pending_approval`, `block`), if it has one. */
export function outcomeOf(record: ExportedRecord): string | null {
  const decision = record.body['decision'];
  if (typeof decision === 'object' && decision !== null && 'outcome' in decision) {
    const outcome = (decision as { outcome: unknown }).outcome;
    return typeof outcome === 'string' ? outcome : null;
  }
  return null;
}

/** `user:usr_1` -> { type: 'user', id: 'usr_1' }; `system` -> { type: 'system', id: null }. */
export function actorParts(actor: string): { type: string; id: string | null } {
  const colon = actor.indexOf(':');
  return colon < 0 ? { type: actor, id: null } : { type: actor.slice(0, colon), id: actor.slice(colon + 1) };
}

/** One line a person can read in a SIEM's event list. */
export function summaryOf(record: ExportedRecord): string {
  const outcome = outcomeOf(record);
  const request = record.body['request'];
  const amount = typeof request === 'object' && request !== null ? (request as Record<string, unknown>) : null;
  const money = amount && typeof amount['amount_cents'] === 'number' && typeof amount['currency'] === 'string'
    ? ` ${amount['amount_cents']} ${amount['currency']} minor units`
    : '';
  const subject = record.intent_id ? ` intent ${record.intent_id}` : '';
  // Organisation-level changes (mode, export sinks) say which one.
  const action = record.kind === 'org' && typeof record.body['action'] === 'string' ? ` ${record.body['action']}` : '';
  return `axiru ${record.kind}${action}${outcome ? ` ${outcome}` : ''}${subject}${money} by ${record.actor} (seq ${record.seq})`;
}

/** A change that stops or redirects the copy a SIEM receives: worth a SOC's attention. */
export function changesExports(record: ExportedRecord): boolean {
  return record.kind === 'org' && (record.body['action'] === 'export_sink_removed' || record.body['action'] === 'export_sink_changed');
}
