// Slack: approval requests as Block Kit messages with Approve/Deny buttons, updated when they
// resolve, and the verification of Slack's interaction callbacks. Messages go through
// @slack/web-api; callbacks are verified here (v0 HMAC-SHA256 over "v0:<timestamp>:<raw
// body>", 5-minute window, constant-time compare), because the SDK that would do it (Bolt) is
// a whole app framework.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import type { Repositories, Store } from '../repositories/types.js';
import { requestAmount, shown as text, wouldExecute, type EventData } from './approvalText.js';
import type { IntentEvent } from './IntentActions.js';
import { SendQueue } from './SendQueue.js';

export const SLACK_WINDOW_SECONDS = 300;

export function slackSignature(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`, 'utf8').digest('hex')}`;
}

/** True when `signature` is Slack's v0 signature of `rawBody` at `timestamp`, within the window. */
export function verifySlackSignature(
  rawBody: string, timestamp: string | undefined, signature: string | undefined, secret: string, nowSeconds: number,
): boolean {
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > SLACK_WINDOW_SECONDS) return false;
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The Block Kit message of a new approval request. */
export function approvalRequestBlocks(intentId: string, data: EventData) {
  const amount = requestAmount(data);
  const roles = (data['approver_roles'] as string[] | undefined) ?? [];
  return [
    { type: 'section', text: { type: 'mrkdwn', text: `*Refund of ${amount} needs approval* (${roles.join(' or ')}, ${text(data['approvals_required'])} needed)` } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Customer*\n${text(data['customer_id'])}` },
        { type: 'mrkdwn', text: `*Source*\n${text(data['source'])}` },
        { type: 'mrkdwn', text: `*Rule*\n${text(data['matched_rule'])}` },
        { type: 'mrkdwn', text: `*Reason*\n${text(data['reason'])}` },
        { type: 'mrkdwn', text: `*Requested by*\n${text(data['requested_by'])}` },
        { type: 'mrkdwn', text: `*Would execute*\n${wouldExecute(data)}` },
      ],
    },
    {
      type: 'actions',
      block_id: `axiru_approval:${intentId}`,
      elements: [
        { type: 'button', action_id: 'approve', style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value: intentId },
        { type: 'button', action_id: 'deny', style: 'danger', text: { type: 'plain_text', text: 'Deny' }, value: intentId },
      ],
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Axiru intent ${intentId}` }] },
  ];
}

/** The blocks a resolved request's message is updated to. */
export function resolvedBlocks(intentId: string, event: IntentEvent) {
  const who = event.data['decided_by_name'] ? `${text(event.data['decided_by_name'])} (${text(event.data['role'])})` : 'nobody (the request timed out)';
  const verb = event.type === 'intent.approved' ? 'Approved' : event.type === 'intent.denied' ? 'Denied' : 'Expired';
  const comment = event.data['comment'] ? `: "${text(event.data['comment'])}"` : '';
  return [
    { type: 'section', text: { type: 'mrkdwn', text: `*${verb}* by ${who}${comment}` } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Axiru intent ${intentId} · ${event.time}` }] },
  ];
}

export interface SlackNotifierOptions {
  /** Where the Web API lives (tests point it at a local server). */
  readonly slackApiUrl?: string | undefined;
  readonly onError?: (error: unknown) => void;
  /** Called after each message posted or updated. */
  readonly onSent?: () => void;
}

/**
 * Posts and updates approval messages after the events committed. Slack is a channel, not a
 * record: a failed post is logged and the request stays in the in-app queue and webhooks.
 */
export class SlackNotifier {
  private readonly sends: SendQueue<{ event: IntentEvent; settled?: ((event: IntentEvent) => Promise<void>) | undefined }>;

  constructor(private readonly store: Store, private readonly options: SlackNotifierOptions = {}) {
    this.sends = new SendQueue(async ({ event, settled }) => {
      try {
        await this.send(event);
      } finally {
        await settled?.(event);
      }
    }, (error) => this.options.onError?.(error), () => this.options.onSent?.());
  }

  client(token: string): WebClient {
    return new WebClient(token, {
      ...(this.options.slackApiUrl ? { slackApiUrl: this.options.slackApiUrl } : {}),
      retryConfig: { retries: 2, factor: 1, minTimeout: 100, maxTimeout: 500 },
    });
  }

  /** Requests and how they ended, of intents (the outbox asks before writing a row). */
  wants(event: IntentEvent): boolean {
    return event.intent_id !== null && ['intent.pending_approval', 'intent.approved', 'intent.denied', 'intent.expired'].includes(event.type);
  }

  /** Whether the organisation has Slack set up (read in the events' transaction). */
  async configured(tx: Repositories, orgId: string): Promise<boolean> {
    return (await tx.slack.getSettings(orgId)) !== null;
  }

  /** Queues the messages of committed events; `settled` hears each one's end (the outbox row goes). */
  handle(events: readonly IntentEvent[], settled?: (event: IntentEvent) => Promise<void>): void {
    this.sends.push(events.filter((event) => this.wants(event)).map((event) => ({ event, settled })));
  }

  /** Resolves when every message queued so far was sent (or failed). */
  idle(): Promise<void> {
    return this.sends.idle();
  }

  private async send(event: IntentEvent): Promise<void> {
    const intentId = event.intent_id as string;
    const settings = await this.store.slack.getSettings(event.org_id);
    if (!settings) return;
    const client = this.client(settings.bot_token);
    if (event.type === 'intent.pending_approval') {
      const amount = requestAmount(event.data);
      const posted = await client.chat.postMessage({
        channel: settings.channel,
        text: `Refund of ${amount} needs approval: ${text(event.data['reason'])}`,
        blocks: approvalRequestBlocks(intentId, event.data),
      });
      if (posted.ok && posted.ts && posted.channel) {
        const ts = posted.ts;
        const channel = posted.channel;
        await this.store.transaction((tx) => tx.slack.putMessage(event.org_id, intentId, channel, ts));
      }
      return;
    }
    const message = await this.store.slack.getMessage(event.org_id, intentId);
    if (!message) return;
    const blocks = resolvedBlocks(intentId, event);
    await client.chat.update({ channel: message.channel, ts: message.ts, text: String(blocks[0]?.text?.text ?? ''), blocks });
  }
}
