// Email: approval requests sent to the people who can act on them. Each new request goes, one
// message per person, to every enabled user of the organisation whose roles satisfy it under
// the live policy (the role itself or a more senior one, exactly as an approval is checked),
// except whoever asked for the refund. The message carries the policy's reason, what would
// execute and a link to the request in the dashboard, where the approver signs in and acts:
// a link that approves by itself would be followed by every mail scanner that prefetches it.
// When the request is approved, denied or expires, whoever asked for it (a user, named by id
// or email in `requested_by`) is told the outcome.
//
// Like Slack, email is a channel, not a record: a failed send is logged, and the request stays
// in the in-app queue and in the signed webhooks. Messages go through nodemailer to the SMTP
// server of AXIRU_SMTP_URL.

import nodemailer, { type Transporter } from 'nodemailer';
import type { IntentRow, Store, UserRecord } from '../repositories/types.js';
import type { IntentEvent } from './IntentActions.js';
import type { PolicyCache } from './PolicyCache.js';
import { money, requestAmount, shown as text, wouldExecute, type EventData as Data } from './approvalText.js';
import { actingRole } from './roles.js';
import { SendQueue } from './SendQueue.js';

/** AXIRU_SMTP_URL, AXIRU_EMAIL_FROM and AXIRU_PUBLIC_URL (config.ts). */
export interface EmailSettings {
  /** smtp://user:pass@host:port or smtps://… */
  readonly smtpUrl: string;
  /** The From header, e.g. `Axiru <approvals@example.com>`. */
  readonly from: string;
  /** Where the dashboard is, for links (e.g. https://axiru.example.com); see useBaseUrl. */
  readonly publicUrl?: string | undefined;
}

export interface EmailOptions extends EmailSettings {
  readonly onError?: (error: unknown) => void;
  /** Called after each message the SMTP server accepted. */
  readonly onSent?: () => void;
  /** Reads an intent read-your-writes (the intents view may lag the decision that made it). */
  readonly intent?: (orgId: string, intentId: string) => Promise<IntentRow | null>;
}

const RESOLUTIONS: Readonly<Record<string, string>> = {
  'intent.approved': 'approved', 'intent.denied': 'denied', 'intent.expired': 'expired',
};

/** Subject and plain-text body telling the requester how their request ended. */
export function resolutionEmail(event: IntentEvent, intent: IntentRow, link: string | null): { subject: string; text: string } {
  const verb = RESOLUTIONS[event.type] ?? event.type;
  const amount = money(intent.amount_cents, intent.currency);
  const data = event.data as Data;
  const who = event.type === 'intent.expired'
    ? 'Nobody decided before the request timed out.'
    : `Decided by ${text(data['decided_by_name'])} (${text(data['role'])})${data['comment'] ? `: "${text(data['comment'])}"` : '.'}`;
  const lines = [
    `Your refund request of ${amount} was ${verb}.`,
    '',
    who,
    event.type === 'intent.approved' ? 'The refund may now be executed.' : 'The refund must not be executed.',
    '',
    link === null ? `Axiru intent ${event.intent_id}.` : `Details: ${link}`,
  ];
  return { subject: `Refund of ${amount} ${verb}`, text: `${lines.join('\n')}\n` };
}

/** Subject and plain-text body of a new approval request. */
export function approvalRequestEmail(event: IntentEvent, link: string | null): { subject: string; text: string } {
  const data = event.data as Data;
  const amount = requestAmount(data);
  const roles = ((data['approver_roles'] as string[] | undefined) ?? []).join(' or ');
  const lines = [
    `A refund of ${amount} needs approval (${roles}, ${text(data['approvals_required'])} needed).`,
    '',
    `Reason:       ${text(data['reason'])}`,
    `Rule:         ${text(data['matched_rule'])}`,
    `Customer:     ${text(data['customer_id'])}`,
    `Source:       ${text(data['source'])}`,
    `Requested by: ${text(data['requested_by'])}`,
    `Would execute: ${wouldExecute(data)}`,
    '',
    link === null ? `Open intent ${event.intent_id} in the Axiru dashboard to approve or deny it.` : `Approve or deny it here: ${link}`,
    '',
    `Axiru intent ${event.intent_id}, received ${event.time}.`,
  ];
  return { subject: `Refund of ${amount} needs your approval (${roles})`, text: `${lines.join('\n')}\n` };
}

export class EmailNotifier {
  private readonly sends: SendQueue<{ event: IntentEvent; settled?: ((event: IntentEvent) => Promise<void>) | undefined }>;
  private readonly transport: Transporter;
  private baseUrl: string | null;

  constructor(private readonly store: Store, private readonly cache: PolicyCache, private readonly options: EmailOptions) {
    this.sends = new SendQueue(async ({ event, settled }) => {
      try {
        await this.send(event);
      } finally {
        await settled?.(event);
      }
    }, (error) => this.options.onError?.(error));
    this.transport = nodemailer.createTransport(options.smtpUrl);
    this.baseUrl = options.publicUrl?.replace(/\/+$/, '') ?? null;
  }

  /** The dashboard's address when AXIRU_PUBLIC_URL is not set: the URL the server listens on. */
  useBaseUrl(url: string): void {
    this.baseUrl ??= url.replace(/\/+$/, '');
  }

  /** New approval requests and how they ended. */
  wants(event: IntentEvent): boolean {
    return event.intent_id !== null && (event.type === 'intent.pending_approval' || event.type in RESOLUTIONS);
  }

  /** Queues the messages of committed events; `settled` hears each one's end (the outbox row goes). */
  handle(events: readonly IntentEvent[], settled?: (event: IntentEvent) => Promise<void>): void {
    this.sends.push(events.filter((event) => this.wants(event)).map((event) => ({ event, settled })));
  }

  /** Resolves when every message queued so far was sent (or failed). */
  idle(): Promise<void> {
    return this.sends.idle();
  }

  close(): void {
    this.transport.close();
  }

  private async send(event: IntentEvent): Promise<void> {
    if (event.type !== 'intent.pending_approval') return this.sendResolution(event);
    const data = event.data as Data;
    const required = (data['approver_roles'] as string[] | undefined) ?? [];
    const org = await this.store.organisations.get(event.org_id);
    const policy = org?.live_policy_version == null ? null : await this.cache.byVersion(this.store, org.id, org.live_policy_version);
    if (!org || !policy) return;
    const requester = data['requested_by'];
    const approvers = (await this.store.users.list(org.id)).filter((user) => user.disabled_at === null
      && user.id !== requester && user.email !== requester
      && actingRole(user.roles, required, policy.ir) !== null);
    if (approvers.length === 0) return;
    const message = approvalRequestEmail(event, this.linkTo(event));
    // One message per approver: nobody learns the others' addresses, and one refused address
    // does not keep the others from being told.
    for (const user of approvers) await this.mail(user, message, event);
  }

  /** Tells the requester, when they are a user of the organisation, how the request ended. */
  private async sendResolution(event: IntentEvent): Promise<void> {
    const intent = this.options.intent
      ? await this.options.intent(event.org_id, event.intent_id as string)
      : await this.store.intents.get(event.org_id, event.intent_id as string);
    if (!intent?.requested_by) return;
    const requester = (await this.store.users.list(event.org_id))
      .find((user) => user.disabled_at === null && (user.id === intent.requested_by || user.email === intent.requested_by));
    if (!requester) return;
    await this.mail(requester, resolutionEmail(event, intent, this.linkTo(event)), event);
  }

  private linkTo(event: IntentEvent): string | null {
    return this.baseUrl === null ? null : `${this.baseUrl}/intents/${encodeURIComponent(event.intent_id as string)}`;
  }

  private async mail(user: UserRecord, message: { subject: string; text: string }, event: IntentEvent): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.options.from,
        to: { name: user.name, address: user.email },
        subject: message.subject,
        text: message.text,
        headers: { 'X-Axiru-Intent-Id': event.intent_id as string },
      });
      this.options.onSent?.();
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
