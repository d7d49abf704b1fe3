// The ledger's record envelope. Every kind of event (a decision now; approvals, controls,
// executions, observations later) is one record in its organisation's chain, so the envelope
// carries only what every kind shares and puts the kind-specific content in `body`.

import type { JsonValue } from '@axiru/runtime';

export type RecordKind =
  | 'decision' | 'policy' | 'approval' | 'denial' | 'expiry' | 'control' | 'execution' | 'observation'
  | 'org' | 'list';

/** What a writer supplies; the chain assigns `seq`, `prev_hash` and `hash`. */
export interface RecordDraft {
  readonly org_id: string;
  readonly kind: RecordKind;
  /** The intent this record is about, or null for org-level records (policy, control). */
  readonly intent_id: string | null;
  /** ISO 8601 UTC time of the event (for a decision: when the request was received). */
  readonly time: string;
  /** Who caused it: `api_key:<id>`, `cli`, `system`, later `user:<id>`. */
  readonly actor: string;
  readonly body: { readonly [key: string]: JsonValue };
}

/** The hashed content: everything of a record but its own hash. */
export interface RecordContent extends RecordDraft {
  /** 1 for the first record of an organisation, then +1 with no gaps. */
  readonly seq: number;
  /** The previous record's hash, or GENESIS_HASH for seq 1. */
  readonly prev_hash: string;
}

export interface LedgerRecord extends RecordContent {
  /** Lower-case hex SHA-256 of canonicalJson(content). */
  readonly hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
