// The lists view: each organisation's lists (name, version, size) and their values, a fold of
// the `list` records of its chain. A list record carries the values it added and removed and
// the version it made, so applying it needs nothing else; other records change no list.
// Writers of list records (services/lists.ts) catch this view up in their own transaction and
// apply their record as they append it, and the sealing path catches it up before a policy
// reads a list, so both see every earlier change exactly.

import type { Repositories } from '../repositories/types.js';
import { cursoredWriter, type ProjectedRecord, type Projection, type ProjectionWriter } from './Projection.js';

export const LISTS = 'lists';

/** The body of a `list` record. */
export interface ListRecordBody {
  readonly list: string;
  /** What the caller asked: replace the values, add some, remove one. */
  readonly action: 'set' | 'add' | 'remove';
  /** The list's version after this change. */
  readonly version: number;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** How many values the list holds after this change. */
  readonly size: number;
}

export const listsProjection: Projection = {
  name: LISTS,
  bodyKinds: ['list'],
  open(tx: Repositories): ProjectionWriter {
    return cursoredWriter(tx, LISTS, async (record, body) => {
      if (record.kind === 'list') await applyList(tx, record, body() as ListRecordBody);
    });
  },
  async clear(tx) {
    await tx.lists.clear();
    await tx.projections.reset(LISTS);
  },
  lag: (repos) => repos.projections.lag(LISTS),
};

async function applyList(tx: Repositories, record: ProjectedRecord, body: ListRecordBody): Promise<void> {
  await tx.lists.apply(
    { org_id: record.org_id, name: body.list, version: body.version, size: body.size, seq: record.seq, updated_at: record.time },
    body.added, body.removed,
  );
}
