// The organisation's lists as the decision path reads them: one Set per list version, so a
// membership test costs O(1) however long the list. The version is read from the lists
// projection inside the sealing transaction; a Set is loaded once per (list, version) and
// replaced when the version moves on, so a change is seen by the very next decision and a
// stale Set is never used (several servers on one database each validate by version).

import type { Repositories } from '../repositories/types.js';
import { listValuesAt } from './lists.js';

export interface ListsRead {
  /** The decision input's `lists`: name -> its values. Lists the organisation lacks are absent. */
  readonly input: Readonly<Record<string, ReadonlySet<string>>>;
  /** The version of each list read, sealed with the decision. */
  readonly versions: Readonly<Record<string, number>>;
}

interface Cached {
  readonly version: number;
  readonly values: ReadonlySet<string>;
}

/** Cached list versions at most; beyond it the least recently loaded one is dropped. */
const MAX_CACHED = 1_000;

export class ListCache {
  private readonly current = new Map<string, Cached>();
  /** Versions replay asked for (folded from the ledger), by org, name and version. */
  private readonly past = new Map<string, ReadonlySet<string>>();

  /** The lists `names` of `orgId` as of the transaction `tx`. */
  async read(tx: Repositories, orgId: string, names: readonly string[]): Promise<ListsRead> {
    const input: Record<string, ReadonlySet<string>> = {};
    const versions: Record<string, number> = {};
    if (names.length === 0) return { input, versions };
    const rows = new Map((await tx.lists.all(orgId)).map((row) => [row.name, row]));
    for (const name of names) {
      const row = rows.get(name);
      if (!row) continue;
      const key = `${orgId}\u0000${name}`;
      let cached = this.current.get(key);
      if (cached?.version !== row.version) {
        cached = { version: row.version, values: new Set(await tx.lists.values(orgId, name)) };
        this.remember(this.current, key, cached);
      }
      input[name] = cached.values;
      versions[name] = row.version;
    }
    return { input, versions };
  }

  /** The lists a sealed decision read, at the versions it sealed (for audit replay). */
  async atVersions(repos: Repositories, orgId: string, versions: Readonly<Record<string, number>>): Promise<Record<string, ReadonlySet<string>>> {
    const input: Record<string, ReadonlySet<string>> = {};
    for (const [name, version] of Object.entries(versions)) {
      const current = this.current.get(`${orgId}\u0000${name}`);
      if (current?.version === version) {
        input[name] = current.values;
        continue;
      }
      const key = `${orgId}\u0000${name}\u0000${version}`;
      let values = this.past.get(key);
      if (!values) {
        values = await listValuesAt(repos, orgId, name, version);
        this.remember(this.past, key, values);
      }
      input[name] = values;
    }
    return input;
  }

  private remember<T>(map: Map<string, T>, key: string, value: T): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > MAX_CACHED) map.delete(map.keys().next().value!);
  }
}
