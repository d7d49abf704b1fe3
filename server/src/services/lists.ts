// An organisation's lists (docs/language.md, "Lists"): named sets of values that policies test
// membership in (`customer in list vip_customers`). They are organisation data, not policy:
// they change without a new policy version, through `list` records sealed in the chain (actor,
// values added and removed, the new version). The lists projection is the current state;
// a decision seals the version of each list it read, and audit replay folds the list's records
// up to that version, so a replay is exact after the list changed.

import { ApiError } from '../errors.js';
import { ChainAppender } from '../ledger/ChainAppender.js';
import type { StoredRecord } from '../ledger/chain.js';
import { listsProjection, type ListRecordBody } from '../projections/listsProjection.js';
import { ProjectionSession } from '../projections/ProjectionSession.js';
import type { ListRow, Repositories, Store } from '../repositories/types.js';

/** Most values a list may hold. */
export const MAX_LIST_VALUES = 100_000;

/** A list name as the language spells one (an identifier). */
export const LIST_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Changes shown by GET /api/lists/:name, newest first. */
export const HISTORY_LIMIT = 50;

export interface ListSummary {
  readonly name: string;
  readonly version: number;
  readonly size: number;
  readonly updated_at: string;
  /** The record of the latest change. */
  readonly seq: number;
}

export interface ListChange {
  readonly version: number;
  readonly action: ListRecordBody['action'];
  readonly actor: string;
  readonly time: string;
  readonly seq: number;
  readonly added: string[];
  readonly removed: string[];
  readonly size: number;
}

export interface ListChangeResult {
  readonly list: ListSummary;
  /** False when the request changed nothing (no record is sealed then). */
  readonly changed: boolean;
  readonly added: string[];
  readonly removed: string[];
  readonly record: { readonly seq: number; readonly kind: string; readonly hash: string } | null;
}

export function listSummary(row: ListRow): ListSummary {
  return { name: row.name, version: row.version, size: row.size, updated_at: row.updated_at, seq: row.seq };
}

export function unknownList(name: string): ApiError {
  return new ApiError(404, 'not_found', `This organisation has no list named "${name}"; create it with PUT /api/lists/${name}.`, 'name');
}

/** Values as a caller sent them: each once, in the order first given. */
function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * The lists a set of policies declare that the organisation does not have, for the 422 of
 * publishing or activating such a policy.
 */
export async function requireLists(tx: Repositories, orgId: string, names: readonly string[], what: string): Promise<void> {
  if (names.length === 0) return;
  const have = new Set((await tx.lists.all(orgId)).map((row) => row.name));
  const missing = names.filter((name) => !have.has(name));
  if (missing.length === 0) return;
  const quoted = missing.map((name) => `"${name}"`).join(', ');
  throw new ApiError(422, 'unknown_list',
    `${what} names ${missing.length === 1 ? 'the list' : 'the lists'} ${quoted}, which this organisation does not have; `
    + `create ${missing.length === 1 ? 'it' : 'them'} first with PUT /api/lists/${missing[0]} (an empty list is fine).`,
    'source', { lists: missing });
}

export class ListService {
  constructor(private readonly store: Store, private readonly clock: () => Date = () => new Date()) {}

  async all(orgId: string): Promise<ListSummary[]> {
    return (await this.store.lists.all(orgId)).map(listSummary);
  }

  /** The list, its values and its latest changes as sealed; null when there is no such list. */
  async get(orgId: string, name: string): Promise<{ list: ListSummary; values: string[]; history: ListChange[] } | null> {
    // The row and the values are separate reads: a change committed between them shows as a
    // different version afterwards, and the reads are repeated (a few times at most).
    for (let attempt = 1; ; attempt += 1) {
      const row = await this.store.lists.get(orgId, name);
      if (!row) return null;
      const values = await this.store.lists.values(orgId, name);
      const again = await this.store.lists.get(orgId, name);
      if (again?.version !== row.version && attempt < 5) continue;
      const seqs = await this.store.lists.versionSeqs(orgId, name, row.version);
      const history: ListChange[] = [];
      for (const seq of seqs.slice(-HISTORY_LIMIT).reverse()) {
        const record = await recordAt(this.store, orgId, seq);
        const body = JSON.parse(record.body) as ListRecordBody;
        history.push({
          version: body.version, action: body.action, actor: record.actor, time: record.time, seq: record.seq,
          added: [...body.added], removed: [...body.removed], size: body.size,
        });
      }
      return { list: listSummary(row), values: [...values], history };
    }
  }

  /** Replaces the values (creates the list when it does not exist). */
  set(orgId: string, actor: string, name: string, values: readonly string[]): Promise<ListChangeResult> {
    return this.change(orgId, actor, name, 'set', async (tx, row) => {
      const wanted = new Set(values);
      const current = row ? await tx.lists.values(orgId, name) : [];
      const currentSet = new Set(current);
      return {
        added: [...wanted].filter((value) => !currentSet.has(value)).sort(),
        removed: current.filter((value) => !wanted.has(value)),
      };
    });
  }

  /** Adds values (creates the list when it does not exist); values already there are left alone. */
  add(orgId: string, actor: string, name: string, values: readonly string[]): Promise<ListChangeResult> {
    return this.change(orgId, actor, name, 'add', async (tx, row) => {
      const asked = distinct(values);
      const present = row ? new Set(await tx.lists.present(orgId, name, asked)) : new Set<string>();
      return { added: asked.filter((value) => !present.has(value)).sort(), removed: [] };
    });
  }

  /** Removes one value; 404 when the list does not exist or does not hold it. */
  remove(orgId: string, actor: string, name: string, value: string): Promise<ListChangeResult> {
    return this.change(orgId, actor, name, 'remove', async (tx, row) => {
      if (!row) throw unknownList(name);
      const present = await tx.lists.present(orgId, name, [value]);
      if (present.length === 0) throw new ApiError(404, 'not_found', `The list "${name}" does not hold ${JSON.stringify(value)}.`, 'value');
      return { added: [], removed: [value] };
    });
  }

  private async change(
    orgId: string, actor: string, name: string, action: ListRecordBody['action'],
    diff: (tx: Repositories, row: ListRow | null) => Promise<{ added: string[]; removed: string[] }>,
  ): Promise<ListChangeResult> {
    return this.store.transaction(async (tx) => {
      // The view is caught up in this transaction and this change is applied as it is sealed,
      // so the diff is taken against exactly the state every earlier record made.
      const session = new ProjectionSession(tx, [listsProjection]);
      await session.catchUp(orgId);
      const chain = new ChainAppender(tx, session);
      const row = await tx.lists.get(orgId, name);
      const { added, removed } = await diff(tx, row);
      const size = (row?.size ?? 0) + added.length - removed.length;
      if (size > MAX_LIST_VALUES) {
        throw new ApiError(422, 'list_too_large',
          `The list "${name}" would hold ${size} values; a list holds at most ${MAX_LIST_VALUES}.`, 'values');
      }
      if (row && added.length === 0 && removed.length === 0) {
        await session.finish();
        return { list: listSummary(row), changed: false, added, removed, record: null };
      }
      const version = (row?.version ?? 0) + 1;
      const body: ListRecordBody = { list: name, action, version, added, removed, size };
      const record = await chain.append({
        org_id: orgId, kind: 'list', intent_id: null, time: this.clock().toISOString(), actor,
        body: { ...body, added: [...added], removed: [...removed] },
      });
      await chain.finish();
      return {
        list: { name, version, size, updated_at: record.time, seq: record.seq },
        changed: true, added, removed,
        record: { seq: record.seq, kind: record.kind, hash: record.hash },
      };
    });
  }
}

async function recordAt(repos: Repositories, orgId: string, seq: number): Promise<StoredRecord> {
  const record = (await repos.ledger.scan(orgId, seq - 1, 1))[0];
  if (!record || record.seq !== seq || record.kind !== 'list') throw new Error(`record ${seq} of ${orgId} is not a list record`);
  return record;
}

/**
 * The values of `name` at `version`, folded from the list's records in the ledger (the truth;
 * the projection only says which records they are).
 */
export async function listValuesAt(repos: Repositories, orgId: string, name: string, version: number): Promise<Set<string>> {
  const values = new Set<string>();
  const seqs = await repos.lists.versionSeqs(orgId, name, version);
  if (seqs.length !== version) throw new Error(`the list "${name}" has ${seqs.length} recorded versions, not ${version}`);
  for (const seq of seqs) {
    const body = JSON.parse((await recordAt(repos, orgId, seq)).body) as ListRecordBody;
    for (const value of body.removed) values.delete(value);
    for (const value of body.added) values.add(value);
  }
  return values;
}
