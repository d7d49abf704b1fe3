// Messages to a channel (Slack, email) sent one at a time, in the order their events
// committed, after the transaction and off the request's path. A failed send is reported and
// the queue goes on: a channel is not a record (the ledger and the webhook outbox are).

export class SendQueue<T> {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (item: T) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    private readonly onSent: () => void = () => undefined,
  ) {}

  push(items: readonly T[]): void {
    if (items.length === 0) return;
    this.queue = this.queue.then(async () => {
      for (const item of items) {
        try {
          await this.send(item);
          this.onSent();
        } catch (error) {
          this.onError(error);
        }
      }
    });
  }

  /** Resolves when everything queued so far was sent (or failed). */
  idle(): Promise<void> {
    return this.queue;
  }
}
