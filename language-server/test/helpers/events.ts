/** Collects events and lets a test wait for the first one that matches, without sleeping. */
export class Events<T> {
  readonly all: T[] = [];
  private waiters: { match: (event: T) => boolean; resolve: (event: T) => void }[] = [];

  push = (event: T): void => {
    this.all.push(event);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(event)) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(event);
      }
    }
  };

  /** The first event, past or future, that matches. */
  next(match: (event: T) => boolean, after = 0): Promise<T> {
    const seen = this.all.slice(after).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}
