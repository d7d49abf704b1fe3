// Group commit. A durable commit costs one fsync whatever it contains, so instead of one
// commit per request, requests queue here and are written together: the first request after
// an idle moment schedules a flush with setImmediate, which runs after the event loop has read
// every request that arrived meanwhile, and all of them (up to maxBatch) go into one
// transaction. Each caller's promise settles only after that transaction committed.
//
// Requests that arrive while a batch commits form the next one. With `maxInFlight: 2` the next
// batch is sealed while the previous one's commit is still being flushed to disk (the store
// orders the commits themselves), so sealing overlaps the fsync instead of waiting for it.
//
// When commits are slow (a busy or slow disk: fsync in the milliseconds), clients answered by
// one commit come back a moment after the next batch has started, and the load splits into
// two half-size batches that each pay a full fsync. Like PostgreSQL's commit_delay, a flush
// then waits a small fraction of the last commit's duration (`commitDelay`) for stragglers, so
// one fsync serves them all. With fast commits the delay is zero and a flush is simply the
// next setImmediate.
//
// Fair share: when items carry a key (the organisation), each key has its own queue and a batch
// is composed round-robin across the keys that wait, at most `maxPerKey` items of one key, the
// rotation resuming after the key served last. One organisation's backlog then cannot push
// another's requests back: a request is sealed by the first batch composed after it arrived
// (the second after it, counting a batch already composed and committing), however deep the
// other queues are, as long as fewer than maxBatch keys wait at once. Within a key, order is
// arrival order, so an organisation's decisions are still sealed in the order they came.

export interface GroupCommitterOptions {
  /** Upper bound on one batch, which bounds the latency a batch adds to its last member. */
  readonly maxBatch: number;
  /** Called after each committed or failed batch (for metrics). */
  readonly onBatch?: (size: number, seconds: number, failed: boolean) => void;
  /** Milliseconds to wait before a flush, given the last commit's duration in ms (default: none). */
  readonly commitDelay?: (lastCommitMs: number) => number;
  /** Batches committing at once (default 1). */
  readonly maxInFlight?: number;
  /** Items of one key in one batch at most (default maxBatch); bounds a batch's cost when one key floods. */
  readonly maxPerKey?: number;
}

/**
 * The default commit delay: a tenth of the last commit, only when commits take over a
 * millisecond, and never more than one. A request then waits at most 10% longer than the
 * commit itself would make it wait anyway.
 */
export function defaultCommitDelay(lastCommitMs: number): number {
  return lastCommitMs >= 1 ? Math.min(lastCommitMs / 10, 1) : 0;
}

interface Waiting<I, R> {
  readonly item: I;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/** Waiting items, one FIFO per key, taken round-robin. */
class FairQueue<T> {
  private readonly byKey = new Map<string, T[]>();
  /** Keys with waiting items, in the order they are served next. */
  private rotation: string[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(key: string, item: T): void {
    let queue = this.byKey.get(key);
    if (!queue) {
      queue = [];
      this.byKey.set(key, queue);
      this.rotation.push(key);
    }
    queue.push(item);
    this.size += 1;
  }

  /** Up to `max` items, one key at a time in rotation, at most `perKey` of each key. */
  take(max: number, perKey: number): T[] {
    const batch: T[] = [];
    const taken = new Map<string, number>();
    /** Where in the rotation the last item came from. */
    let last = -1;
    let gave = true;
    while (batch.length < max && gave) {
      // One pass: one item from each key that may still give one.
      gave = false;
      for (let index = 0; index < this.rotation.length && batch.length < max; index += 1) {
        const key = this.rotation[index]!;
        const queue = this.byKey.get(key)!;
        const count = taken.get(key) ?? 0;
        if (queue.length === 0 || count >= perKey) continue;
        batch.push(queue.shift()!);
        taken.set(key, count + 1);
        last = index;
        gave = true;
      }
    }
    this.size -= batch.length;
    // The next batch starts with the key after the one served last; emptied keys leave.
    const rotated = [...this.rotation.slice(last + 1), ...this.rotation.slice(0, last + 1)];
    this.rotation = rotated.filter((key) => {
      if (this.byKey.get(key)!.length > 0) return true;
      this.byKey.delete(key);
      return false;
    });
    return batch;
  }
}

export class GroupCommitter<I, R> {
  private readonly queue = new FairQueue<Waiting<I, R>>();
  private scheduled = false;
  /** Batches whose commit has not settled. */
  private running = 0;
  private idleWaiters: Array<() => void> = [];
  private lastCommitMs = 0;

  constructor(
    /** Commits items atomically and returns one result per item, in order. */
    private readonly commit: (items: readonly I[]) => Promise<readonly R[]>,
    private readonly options: GroupCommitterOptions,
    /** The fairness key of an item (its organisation); one key for all when left out. */
    private readonly keyOf: (item: I) => string = () => '',
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push(this.keyOf(item), { item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting or being committed. */
  get pending(): number {
    return this.queue.length + this.running;
  }

  /** Resolves once everything submitted so far has settled. */
  drain(): Promise<void> {
    if (this.running === 0 && !this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.running >= (this.options.maxInFlight ?? 1)) return;
    this.scheduled = true;
    const delay = this.queue.length >= this.options.maxBatch ? 0 : (this.options.commitDelay?.(this.lastCommitMs) ?? 0);
    if (delay > 0) setTimeout(() => void this.flush(), delay);
    else setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue.take(this.options.maxBatch, this.options.maxPerKey ?? this.options.maxBatch);
    if (batch.length === 0) return this.settleIdle();
    this.running += 1;
    // Another batch may start while this one commits (maxInFlight > 1).
    if (this.queue.length > 0) this.schedule();
    const started = process.hrtime.bigint();
    let failed = false;
    try {
      const results = await this.commit(batch.map((waiting) => waiting.item));
      if (results.length !== batch.length) throw new Error(`commit returned ${results.length} results for ${batch.length} items`);
      batch.forEach((waiting, index) => waiting.resolve(results[index] as R));
    } catch (error) {
      failed = true;
      for (const waiting of batch) waiting.reject(error);
    } finally {
      this.running -= 1;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.lastCommitMs = seconds * 1000;
      this.options.onBatch?.(batch.length, seconds, failed);
      if (this.queue.length > 0) this.schedule();
      else this.settleIdle();
    }
  }

  private settleIdle(): void {
    if (this.running > 0 || this.scheduled || this.queue.length > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
