// The history behind the hit counts, kept between edits (in the worker that replays it).
//
// A replay from scratch reads, parses and orders every row of the history and derives its facts,
// then decides every refund with every rule: seconds for 100,000 refunds, on each edit. Here the
// rows are read once per state of the files (path, size and modification time: a saved or
// replaced file is read again), their facts derived once per set of facts the policy needs, and
// each rule's condition evaluated once per distinct condition (compiler IncrementalReplay.ts), so
// an edit to one rule costs one condition over the history. The report is the one replay() gives.
import { statSync } from 'node:fs';
import { HistorySnapshot, IncrementalReplay, type ReplayReport } from '@axiru/compiler';
import { loadPolicy, type PolicyIR } from '@axiru/runtime';

/** Histories kept at once (a workspace seldom configures more than one). */
const KEEP = 2;

interface Entry {
  /** The files' state when read. */
  readonly state: string;
  readonly replays: Promise<IncrementalReplay>;
}

export class HistoryCache {
  private readonly entries = new Map<string, Entry>();
  private reads = 0;

  /** How many times history files were read (a hit reads nothing). */
  get fileReads(): number {
    return this.reads;
  }

  async replay(ir: PolicyIR, paths: readonly string[]): Promise<ReplayReport> {
    const engine = await this.engineFor(paths);
    return engine.replay(loadPolicy(ir));
  }

  /** The engine over the files as they are now, reading them only when they changed. */
  private engineFor(paths: readonly string[]): Promise<IncrementalReplay> {
    const id = JSON.stringify(paths);
    // Taken before reading: a file written during the read differs next time and is read again.
    const state = paths.map(fileState).join('|');
    const cached = this.entries.get(id);
    if (cached && cached.state === state) {
      // Most recently used last: the first entry is the one to drop.
      this.entries.delete(id);
      this.entries.set(id, cached);
      return cached.replays;
    }
    this.reads++;
    const replays = HistorySnapshot.read(paths).then((snapshot) => new IncrementalReplay(snapshot));
    this.entries.delete(id);
    this.entries.set(id, { state, replays });
    // A failed read is not kept: the next replay tries again (and reports the error again).
    replays.catch(() => {
      if (this.entries.get(id)?.replays === replays) this.entries.delete(id);
    });
    while (this.entries.size > KEEP) this.entries.delete(this.entries.keys().next().value as string);
    return replays;
  }
}

/** What says a file changed; a missing file has a state too, so that its appearance is a change. */
function fileState(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
  } catch {
    return 'missing';
  }
}
