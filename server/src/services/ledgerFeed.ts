// Tells live readers (the dashboard's event stream) that records may have been sealed. It
// carries no records itself: each reader re-reads its own organisation's chain after the seq it
// last sent, so nothing is lost or duplicated whichever commits the signal covers. On
// PostgreSQL, plugins/ledgerNotify.ts forwards it between servers with LISTEN/NOTIFY; readers
// also poll, which covers the CLI and other processes writing.

declare module 'fastify' {
  interface FastifyInstance {
    /** Signalled after every commit that may have sealed ledger records. */
    ledgerFeed: LedgerFeed;
  }
}

export class LedgerFeed {
  private readonly listeners = new Set<() => void>();

  /** Calls `listener` after each signalled commit; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  committed(): void {
    for (const listener of this.listeners) listener();
  }

  get size(): number {
    return this.listeners.size;
  }
}
