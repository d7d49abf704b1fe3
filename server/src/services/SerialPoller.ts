// A background job that must never overlap itself: it runs on a timer, when kicked (something
// happened that it should see soon), or when a caller awaits a run; each run starts after the
// previous one has settled. Webhook deliveries and SIEM exports both work this way.

export class SerialPoller {
  private current: Promise<number> = Promise.resolve(0);
  private timer: NodeJS.Timeout | null = null;
  private halted = false;

  constructor(
    /** One pass of the job; resolves with how much it did. */
    private readonly work: () => Promise<number>,
    /** Hears the failure of a run started by the timer or a kick. */
    private readonly onError: (error: unknown) => void,
  ) {}

  /** True once stop() was called: a run in progress should end early. */
  get stopped(): boolean {
    return this.halted;
  }

  /** Runs every `intervalMs` (0: only when kicked or run by hand), and once now. */
  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => this.kick(), intervalMs);
    // The timer must never keep a finished process alive.
    this.timer.unref();
    this.kick();
  }

  kick(): void {
    if (this.halted) return;
    void this.run().catch((error: unknown) => this.onError(error));
  }

  /** A run after the ones already queued; resolves with what it did. */
  run(): Promise<number> {
    const run = this.current.catch(() => 0).then(() => this.work());
    this.current = run;
    return run;
  }

  /** No more runs; resolves once the current one has settled. */
  async stop(): Promise<void> {
    this.halted = true;
    if (this.timer) clearInterval(this.timer);
    await this.current.catch(() => 0);
  }
}
