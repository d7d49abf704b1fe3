// The outbox of approval messages (Slack, email). A message is written in the transaction that
// commits its event, already claimed by the committing server for one lease; that server sends
// it right after the commit and deletes the row. A server that dies in between leaves the row,
// and once its lease ran out another server's poller claims it (SKIP LOCKED on PostgreSQL) and
// sends it: every message goes out once, or — when a server died after sending and before
// deleting — at least once. A failed send is not retried: Slack and email are channels, not
// records (the request stays in the in-app queue, the webhooks and the ledger).

import { randomUUID } from 'node:crypto';
import type { OutboxNotification, Repositories, Store } from '../repositories/types.js';
import type { IntentEvent } from './IntentActions.js';
import type { Leases } from './leases.js';
import { SerialPoller } from './SerialPoller.js';

export type Channel = OutboxNotification['channel'];

/** What the outbox needs of a notifier (SlackNotifier, EmailNotifier). */
export interface OutboxChannel {
  /** Whether the event is one this channel tells people about. */
  wants(event: IntentEvent): boolean;
  /** Sends the events it wants after their commit; `settled` is called after each one's send (sent or failed). */
  handle(events: readonly IntentEvent[], settled?: (event: IntentEvent) => Promise<void>): void;
}

export interface NotificationOutboxOptions {
  readonly slack: OutboxChannel & { configured(tx: Repositories, orgId: string): Promise<boolean> };
  /** Null when this server sends no email (no AXIRU_SMTP_URL). */
  readonly email: OutboxChannel | null;
  readonly onError?: (error: unknown) => void;
}

export class NotificationOutbox {
  private readonly ids = new WeakMap<IntentEvent, Map<Channel, string>>();
  private readonly poller: SerialPoller;
  /** Messages this server has claimed and not sent yet (axiru_leases_held{job="notification"}). */
  private held = 0;

  constructor(private readonly store: Store, private readonly leases: Leases, private readonly options: NotificationOutboxOptions) {
    this.poller = new SerialPoller(() => this.sendLeftOver(), (error) => this.options.onError?.(error));
  }

  /** In the transaction of the events: one row per message this server will send after the commit. */
  async enqueue(tx: Repositories, events: readonly IntentEvent[], now: Date): Promise<void> {
    const slackOrgs = new Map<string, boolean>();
    for (const event of events) {
      const channels: Channel[] = [];
      if (this.options.slack.wants(event)) {
        let configured = slackOrgs.get(event.org_id);
        if (configured === undefined) {
          configured = await this.options.slack.configured(tx, event.org_id);
          slackOrgs.set(event.org_id, configured);
        }
        if (configured) channels.push('slack');
      }
      if (this.options.email?.wants(event)) channels.push('email');
      if (channels.length === 0) continue;
      const ids = new Map<Channel, string>();
      for (const channel of channels) {
        const id = `ntf_${randomUUID().replaceAll('-', '')}`;
        ids.set(channel, id);
        await tx.notifications.enqueue({
          id, org_id: event.org_id, channel, event: JSON.stringify(event),
          next_attempt_ms: this.leases.now() + this.leases.leaseMs, claimed_by: this.leases.holder, created_at: now.toISOString(),
        });
      }
      this.ids.set(event, ids);
    }
  }

  /** After the commit: the events to the notifiers; each row goes once its message was sent. */
  dispatch(events: readonly IntentEvent[]): void {
    const { slack, email } = this.options;
    for (const [channel, notifier] of [['slack', slack], ['email', email]] as const) {
      if (!notifier) continue;
      for (const event of events) if (this.ids.get(event)?.has(channel)) this.held += 1;
      notifier.handle(events, async (event) => {
        const id = this.ids.get(event)?.get(channel);
        if (id !== undefined) await this.settle(id);
      });
    }
    this.leases.setHeld('notification', this.held);
  }

  private async settle(id: string): Promise<void> {
    this.held -= 1;
    this.leases.setHeld('notification', this.held);
    await this.store.transaction((tx) => tx.notifications.done(id)).catch((error: unknown) => this.options.onError?.(error));
  }

  /** Looks for messages left by servers that stopped every `intervalMs` (0: only when run by hand). */
  start(intervalMs: number): void {
    this.poller.start(intervalMs);
  }

  /** One look for left-over messages; resolves with how many were handed to the notifiers. */
  runDue(): Promise<number> {
    return this.poller.run();
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  private async sendLeftOver(): Promise<number> {
    if (this.poller.stopped) return 0;
    const channels: Channel[] = this.options.email ? ['slack', 'email'] : ['slack'];
    const now = this.leases.now();
    // A read first: an idle poll writes nothing.
    if (!(await this.store.notifications.anyDue(now, channels))) return 0;
    const claim = { holder: this.leases.holder, leaseMs: this.leases.leaseMs };
    const rows = await this.store.transaction((tx) => tx.notifications.claimDue(now, 50, channels, claim));
    this.leases.tookOver('notification', rows.filter((row) => row.taken_over).length);
    for (const row of rows) {
      const notifier = row.channel === 'slack' ? this.options.slack : this.options.email;
      if (!notifier) continue;
      this.held += 1;
      notifier.handle([JSON.parse(row.event) as IntentEvent], () => this.settle(row.id));
    }
    this.leases.setHeld('notification', this.held);
    return rows.length;
  }
}
