// The storage contract. Routes and services see only these interfaces; SQLite implements them
// today (repositories/sqlite), and a PostgreSQL implementation can follow without touching
// anything above this layer. Every method is async so that a networked database fits, and
// every write that must be atomic with others runs inside `Store.transaction`.

import type { PolicyIR } from '@axiru/runtime';
import type { ChainHead, StoredRecord } from '../ledger/chain.js';

export type KeyKind = 'decision' | 'admin';
export type KeyMode = 'test' | 'live';

export interface Organisation {
  readonly id: string;
  readonly name: string;
  /** Lower-case ISO 4217 code used when a decision request gives no currency. */
  readonly default_currency: string;
  readonly live_policy_version: number | null;
  readonly created_at: string;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly org_id: string;
  readonly kind: KeyKind;
  readonly mode: KeyMode;
  readonly key_hash: string;
  readonly hint: string;
  readonly label: string | null;
  readonly created_at: string;
  readonly revoked_at: string | null;
}

export interface StoredPolicy {
  readonly org_id: string;
  readonly version: number;
  readonly name: string;
  readonly ir_hash: string;
  readonly source: string;
  readonly created_at: string;
  readonly created_by: string;
}

/** Intent statuses (ARCHITECTURE.md, "Intents and their lifecycle"). */
export type IntentStatus =
  | 'allowed' | 'pending_approval' | 'approved' | 'denied' | 'blocked' | 'held'
  | 'executed' | 'failed' | 'expired' | 'observed';

export interface IntentRow {
  readonly org_id: string;
  readonly id: string;
  readonly seq: number;
  readonly received_at: string;
  readonly received_ms: number;
  readonly source: string;
  readonly outcome: string;
  readonly status: IntentStatus;
  readonly amount_cents: number;
  readonly currency: string;
  readonly customer_id: string | null;
  readonly stripe_account: string | null;
  readonly stripe_charge_id: string | null;
  readonly policy_version: number;
  readonly matched_rule: string | null;
}

export interface IntentFilter {
  readonly outcome?: string;
  readonly source?: string;
  readonly status?: string;
  readonly customer_id?: string;
  readonly stripe_account?: string;
  /** Inclusive lower bound on received_ms. */
  readonly since_ms?: number;
  /** Exclusive upper bound on received_ms. */
  readonly until_ms?: number;
  /** Only intents with a seq below this (cursor pagination, newest first). */
  readonly before_seq?: number;
}

export interface IdempotencyRow {
  readonly org_id: string;
  readonly key: string;
  readonly request_hash: string;
  readonly status_code: number;
  readonly response: string;
  readonly created_ms: number;
}

export interface OrganisationRepository {
  create(org: Organisation): Promise<void>;
  get(id: string): Promise<Organisation | null>;
  list(): Promise<readonly Organisation[]>;
  setLivePolicy(orgId: string, version: number): Promise<void>;
}

export interface ApiKeyRepository {
  create(key: ApiKeyRecord): Promise<void>;
  findByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  list(orgId: string | null): Promise<readonly ApiKeyRecord[]>;
  /** Marks the key revoked; false when there is no such unrevoked key. */
  revoke(id: string, at: string): Promise<boolean>;
}

export interface PolicyRepository {
  /** Stores an IR under its hash; storing the same hash again is a no-op. */
  putIR(hash: string, ir: PolicyIR): Promise<void>;
  getIR(hash: string): Promise<PolicyIR | null>;
  create(policy: StoredPolicy): Promise<void>;
  get(orgId: string, version: number): Promise<StoredPolicy | null>;
  list(orgId: string): Promise<readonly StoredPolicy[]>;
}

export interface LedgerRepository {
  /**
   * The organisation's chain head. Called inside a write transaction it is the authority on
   * the next seq: SQLite has a single writer, and PostgreSQL would `SELECT … FOR UPDATE` here.
   */
  head(orgId: string): Promise<ChainHead | null>;
  setHead(orgId: string, head: ChainHead): Promise<void>;
  append(record: StoredRecord): Promise<void>;
  /** Records with seq > afterSeq in ascending order, at most `limit`. */
  scan(orgId: string, afterSeq: number, limit: number): Promise<readonly StoredRecord[]>;
  byIntent(orgId: string, intentId: string): Promise<readonly StoredRecord[]>;
  /** Every organisation that has a chain or a head (for verification of all chains). */
  chainOrgIds(): Promise<readonly string[]>;
  /** Total records over all organisations. */
  size(): Promise<number>;
}

export interface IntentRepository {
  insert(intent: IntentRow): Promise<void>;
  get(orgId: string, id: string): Promise<IntentRow | null>;
  /** Newest first. */
  list(orgId: string, filter: IntentFilter, limit: number): Promise<readonly IntentRow[]>;
  /** Intents of this customer with received_ms in (fromMs, toMs] and one of `statuses`. */
  countForCustomer(orgId: string, customerId: string, fromMs: number, toMs: number, statuses: readonly IntentStatus[]): Promise<number>;
  /** Sum of amount_cents of intents on this charge in `currency`, received at or before toMs, with one of `statuses`. */
  sumForCharge(orgId: string, chargeId: string, currency: string, toMs: number, statuses: readonly IntentStatus[]): Promise<number>;
}

export interface IdempotencyRepository {
  get(orgId: string, key: string): Promise<IdempotencyRow | null>;
  /** Inserts, replacing an expired row under the same key. */
  put(row: IdempotencyRow): Promise<void>;
  /** Deletes rows created before `beforeMs`; returns how many. */
  purge(beforeMs: number): Promise<number>;
}

export interface Repositories {
  readonly organisations: OrganisationRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly policies: PolicyRepository;
  readonly ledger: LedgerRepository;
  readonly intents: IntentRepository;
  readonly idempotency: IdempotencyRepository;
}

/**
 * A database. Its own repositories read committed data; `transaction` runs `work` in one write
 * transaction that commits durably when `work` resolves and rolls back when it throws.
 * Transactions never interleave.
 */
export interface Store extends Repositories {
  readonly kind: string;
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Liveness probe for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
