// Group commit. A durable commit costs one fsync whatever it contains, so instead of one
// commit per request, requests queue here and are written together: the first request after
// an idle moment schedules a flush with setImmediate, which runs after the event loop has read
// every request that arrived meanwhile, and all of them (up to maxBatch) go into one
// transaction. Each caller's promise settles only after that transaction committed.
//
// One batch is in flight at a time; requests that arrive while it commits form the next one.

export interface GroupCommitterOptions {
  /** Upper bound on one batch, which bounds the latency a batch adds to its last member. */
  readonly maxBatch: number;
  /** Called after each committed or failed batch (for metrics). */
  readonly onBatch?: (size: number, seconds: number, failed: boolean) => void;
}

interface Waiting<I, R> {
  readonly item: I;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

export class GroupCommitter<I, R> {
  private queue: Waiting<I, R>[] = [];
  private scheduled = false;
  private running = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    /** Commits items atomically and returns one result per item, in order. */
    private readonly commit: (items: readonly I[]) => Promise<readonly R[]>,
    private readonly options: GroupCommitterOptions,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting or being committed. */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  /** Resolves once everything submitted so far has settled. */
  drain(): Promise<void> {
    if (!this.running && !this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.options.maxBatch);
    if (batch.length === 0) return this.settleIdle();
    this.running = true;
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
      this.running = false;
      this.options.onBatch?.(batch.length, Number(process.hrtime.bigint() - started) / 1e9, failed);
      if (this.queue.length > 0) this.schedule();
      else this.settleIdle();
    }
  }

  private settleIdle(): void {
    if (this.running || this.scheduled || this.queue.length > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
