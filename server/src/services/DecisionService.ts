import type { Outcome } from '@axiru/runtime';
import { ListCache } from './ListCache.js';
import { ApiError } from '../errors.js';
import type { Organisation, Store } from '../repositories/types.js';
import { normalizeRequest, requestHash, type DecisionBody } from './decisionRequest.js';
import { defaultCommitDelay, GroupCommitter } from './GroupCommitter.js';
import { steadyClock } from './steadyClock.js';
import { uuidv7 } from './uuidv7.js';
import type { EventSink, IntentEvent } from './IntentActions.js';
import type { PolicyCache } from './PolicyCache.js';
import {
  idempotencyInFlight, idempotencyMismatch, noLivePolicy, sealDecisions, undeclaredSource,
  type PendingDecision, type SealResult,
} from './sealDecisions.js';

export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

export interface DecideCommand {
  readonly org: Organisation;
  readonly keyId: string;
  readonly body: DecisionBody;
  readonly idempotencyKey: string | undefined;
}

export interface DecideResult {
  readonly statusCode: number;
  /** The response bytes (JSON). */
  readonly body: string;
  /** True when an earlier response was returned for the same Idempotency-Key and body. */
  readonly replayed: boolean;
  /** Set when a new decision was sealed. */
  readonly outcome?: Outcome;
}

export interface DecisionServiceOptions {
  readonly maxBatch: number;
  /** One organisation's decisions in one batch at most (default an eighth of maxBatch); see GroupCommitter. */
  readonly maxBatchPerOrg?: number;
  readonly idempotencyTtlMs?: number;
  readonly clock?: () => Date;
  readonly onBatch?: (size: number, seconds: number, failed: boolean) => void;
  readonly onStorageError?: (error: unknown) => void;
  /** See GroupCommitter; defaults to defaultCommitDelay. */
  readonly commitDelay?: (lastCommitMs: number) => number;
  /** Receives each batch's events inside its transaction (the webhook outbox). */
  readonly onEvents?: EventSink;
  /** Called with each batch's events once it committed. */
  readonly afterCommit?: (events: readonly IntentEvent[]) => void;
  /** Told, once a batch committed, each organisation it sealed records for (projections catch up). */
  readonly onSealed?: (orgId: string) => void;
  /** The lists' Sets by version, shared with audit replay (default: one for this service). */
  readonly lists?: ListCache;
}

/**
 * The decision path: cheap checks against committed state first (so bad requests never wait
 * for a batch), then group-committed sealing, which repeats every check authoritatively
 * inside the write transaction.
 */
export class DecisionService {
  private readonly committer: GroupCommitter<PendingDecision, SealResult>;
  /** (org, Idempotency-Key) pairs queued or being sealed by this process. */
  private readonly inFlight = new Set<string>();
  private readonly ttlMs: number;
  private readonly clock: () => Date;

  constructor(
    private readonly store: Store,
    private readonly cache: PolicyCache,
    private readonly options: DecisionServiceOptions,
  ) {
    this.ttlMs = options.idempotencyTtlMs ?? IDEMPOTENCY_TTL_MS;
    this.clock = options.clock ?? steadyClock();
    const lists = options.lists ?? new ListCache();
    this.committer = new GroupCommitter(
      async (items) => {
        const events: IntentEvent[] = [];
        const results = await this.store.transaction((tx) => {
          // A transaction the database runs again (a deadlock victim on PostgreSQL) starts afresh.
          events.length = 0;
          return sealDecisions(tx, items, this.cache, {
            idempotencyTtlMs: this.ttlMs, events,
            lists,
            ...(options.onEvents ? { onEvents: options.onEvents } : {}),
          });
        });
        if (events.length > 0) options.afterCommit?.(events);
        if (options.onSealed) {
          const orgs = new Set<string>();
          results.forEach((result, index) => { if (result.kind === 'sealed') orgs.add(items[index]!.orgId); });
          for (const orgId of orgs) options.onSealed(orgId);
        }
        return results;
      },
      {
        maxBatch: options.maxBatch,
        // Batches are composed round-robin per organisation, so one organisation's flood cannot
        // delay another's decisions by more than a batch; the cap bounds what a batch costs.
        maxPerKey: options.maxBatchPerOrg ?? Math.max(1, Math.ceil(options.maxBatch / 8)),
        // A batch is sealed while the previous one is flushed to disk (see SqliteStore).
        maxInFlight: 2,
        commitDelay: options.commitDelay ?? defaultCommitDelay,
        ...(options.onBatch ? { onBatch: options.onBatch } : {}),
      },
      (item) => item.orgId,
    );
  }

  async decide(command: DecideCommand): Promise<DecideResult> {
    const { org, body } = command;
    const request = normalizeRequest(body, org.default_currency);

    let idempotency: PendingDecision['idempotency'] = null;
    let flightKey: string | null = null;
    if (command.idempotencyKey !== undefined) {
      let hash: string;
      try {
        hash = requestHash(body);
      } catch {
        throw new ApiError(400, 'invalid_request', 'The request holds a value that cannot be sealed (e.g. an unpaired surrogate).');
      }
      const previous = await this.store.idempotency.get(org.id, command.idempotencyKey);
      if (previous && previous.created_ms > this.clock().getTime() - this.ttlMs) {
        if (previous.request_hash !== hash) throw idempotencyMismatch();
        return { statusCode: previous.status_code, body: previous.response, replayed: true };
      }
      flightKey = `${org.id}\u0000${command.idempotencyKey}`;
      if (this.inFlight.has(flightKey)) throw idempotencyInFlight();
      this.inFlight.add(flightKey);
      idempotency = { key: command.idempotencyKey, requestHash: hash };
    }

    try {
      // An idempotent replay above answers even if the policy changed since; new work is checked.
      if (org.live_policy_version === null) throw noLivePolicy();
      const policy = await this.cache.byVersion(this.store, org.id, org.live_policy_version);
      if (!policy) throw noLivePolicy();
      if (!policy.ir.sources.includes(request.source)) throw undeclaredSource(request.source, policy.ir.sources);

      const received = this.clock();
      const result = await this.committer.submit({
        orgId: org.id,
        actor: `api_key:${command.keyId}`,
        intentId: uuidv7(received.getTime()),
        receivedAt: received.toISOString(),
        receivedMs: received.getTime(),
        request,
        idempotency,
      });
      switch (result.kind) {
        case 'sealed':
          return { statusCode: result.statusCode, body: result.body, replayed: false, outcome: result.outcome };
        case 'replayed':
          return { statusCode: result.statusCode, body: result.body, replayed: true };
        case 'rejected':
          throw result.error;
        default:
          throw new Error(`unexpected seal result ${JSON.stringify(result satisfies never)}`);
      }
    } catch (error) {
      if (error instanceof ApiError) throw error;
      this.options.onStorageError?.(error);
      throw new ApiError(503, 'storage_unavailable',
        'The decision could not be recorded, so none was made; retry (with the same Idempotency-Key, if you sent one).');
    } finally {
      if (flightKey !== null) this.inFlight.delete(flightKey);
    }
  }

  /** Waits for queued decisions to be sealed (graceful shutdown). */
  drain(): Promise<void> {
    return this.committer.drain();
  }
}
