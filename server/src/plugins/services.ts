import { StorageHealth } from '../services/storageHealth.js';
import fp from 'fastify-plugin';
import { DecisionService, IDEMPOTENCY_TTL_MS } from '../services/DecisionService.js';
import { steadyClock } from '../services/steadyClock.js';
import { IntentActions, type EventSink, type IntentEvent } from '../services/IntentActions.js';
import { enqueueWebhookEvents, WebhookDeliverer } from '../services/webhooks.js';
import { SlackNotifier } from '../services/slack.js';
import { EmailNotifier, type EmailSettings } from '../services/email.js';
import { NotificationOutbox } from '../services/notificationOutbox.js';
import { PolicyCache } from '../services/PolicyCache.js';
import { PolicyService } from '../services/PolicyService.js';
import { ShadowService } from '../services/ShadowService.js';
import { OrgModeService } from '../services/OrgModeService.js';
import { ImpactService } from '../services/ImpactService.js';
import { SealedTrafficCache } from '../services/SealedTrafficCache.js';
import { LedgerFeed } from '../services/ledgerFeed.js';
import { ListCache } from '../services/ListCache.js';
import { ListService } from '../services/lists.js';

declare module 'fastify' {
  interface FastifyInstance {
    decisions: DecisionService;
    policies: PolicyService;
    /** The organisation's lists (changes sealed as `list` records). */
    lists: ListService;
    /** The lists' Sets by version, for decisions and audit replay. */
    listCache: ListCache;
    /** Shadow policies: start/stop, diff, promote. */
    shadows: ShadowService;
    /** What an unpublished policy would have decided over recent traffic. */
    impact: ImpactService;
    /** The organisation's observe/enforce mode. */
    orgMode: OrgModeService;
    /** Approvals, holds, executions and controls. */
    actions: IntentActions;
    /** Sends the signed webhook deliveries. */
    webhooks: WebhookDeliverer;
    /** Posts and updates Slack approval messages. */
    slack: SlackNotifier;
    /** Emails approval requests to their approvers (null without AXIRU_SMTP_URL). */
    email: EmailNotifier | null;
    /** The app's time source (tests move it). */
    clock: () => Date;
    /** Whether the last write failed for a reason of the disk, for /healthz. */
    storageHealth: StorageHealth;
  }
}

export interface ServicesPluginOptions {
  /** Most decisions sealed in one transaction. */
  readonly maxBatch: number;
  /** Most decisions of one organisation in one transaction (default: DecisionService's). */
  readonly maxBatchPerOrg?: number | undefined;
  readonly clock?: (() => Date) | undefined;
  /** How often due webhook deliveries are looked for (0: only when events happen). */
  readonly webhookPollMs?: number | undefined;
  /** The first webhook retry delay (doubling after each failure). */
  readonly webhookRetryBaseMs?: number | undefined;
  /** Slack's Web API base URL (tests point it at a local server). */
  readonly slackApiUrl?: string | undefined;
  /** Approval requests by email (AXIRU_SMTP_URL); none when unset. */
  readonly email?: EmailSettings | undefined;
}

export const servicesPlugin = fp<ServicesPluginOptions>(async (app, options) => {
  const cache = new PolicyCache();
  // Wall-clock time that never steps back (services/steadyClock.ts); tests pass their own.
  const clock = options.clock ?? steadyClock();
  const webhooks = new WebhookDeliverer(app.store, {
    clock,
    ...(options.webhookRetryBaseMs !== undefined ? { baseDelayMs: options.webhookRetryBaseMs } : {}),
    onError: (error) => app.log.warn({ err: error }, 'webhook delivery run failed'),
    leases: app.leases,
  });
  app.decorate('webhooks', webhooks);
  // Deliveries are queued in the transaction that seals their event, then sent after it commits.
  // Most events go to no endpoint; only a batch that queued a delivery wakes the deliverer.
  const queuedDeliveries = new WeakSet<readonly IntentEvent[]>();
  const onEvents: EventSink = async (tx, events) => {
    if (await enqueueWebhookEvents(tx, events, clock()) > 0) queuedDeliveries.add(events);
    await outbox.enqueue(tx, events, clock());
  };
  const slack = new SlackNotifier(app.store, {
    slackApiUrl: options.slackApiUrl,
    onSent: () => app.metrics.notifications.inc({ channel: 'slack', result: 'sent' }),
    onError: (error) => {
      app.metrics.notifications.inc({ channel: 'slack', result: 'failed' });
      app.log.warn({ err: error }, 'a Slack message could not be sent');
    },
  });
  app.decorate('slack', slack);
  const email = options.email ? new EmailNotifier(app.store, cache, {
    ...options.email,
    intent: (orgId, intentId) => app.intent(orgId, intentId),
    onSent: () => app.metrics.notifications.inc({ channel: 'email', result: 'sent' }),
    onError: (error) => {
      app.metrics.notifications.inc({ channel: 'email', result: 'failed' });
      app.log.warn({ err: error }, 'an approval email could not be sent');
    },
  }) : null;
  app.decorate('email', email);
  // Approval messages are written with their events and sent after the commit; ones a server
  // that stopped left unsent are sent by another after their lease (services/notificationOutbox.ts).
  const outbox = new NotificationOutbox(app.store, app.leases, {
    slack, email, onError: (error) => app.log.warn({ err: error }, 'the approval message outbox failed'),
  });
  app.decorate('clock', clock);
  const ledgerFeed = new LedgerFeed();
  app.decorate('ledgerFeed', ledgerFeed);
  const afterCommit = (events: readonly IntentEvent[]): void => {
    ledgerFeed.committed();
    if (queuedDeliveries.has(events)) webhooks.kick();
    outbox.dispatch(events);
  };
  const storageHealth = new StorageHealth();
  app.decorate('storageHealth', storageHealth);
  const listCache = new ListCache();
  app.decorate('listCache', listCache);
  app.decorate('lists', new ListService(app.store, clock));
  const decisions = new DecisionService(app.store, cache, {
    lists: listCache,
    onEvents,
    afterCommit,
    maxBatch: options.maxBatch,
    ...(options.maxBatchPerOrg !== undefined ? { maxBatchPerOrg: options.maxBatchPerOrg } : {}),
    clock,
    onBatch: (size, seconds, failed) => {
      app.metrics.batchSize.observe(size);
      app.metrics.batchDuration.observe(seconds);
      if (!failed) ledgerFeed.committed();
      if (!failed) storageHealth.succeeded();
      if (failed) app.log.error({ size }, 'a decision batch failed to commit; its requests got 503');
    },
    onStorageError: (error) => {
      storageHealth.failed(error);
      app.log.error({ err: error }, 'sealing failed');
    },
    onSealed: (orgId) => app.projections.sealed(orgId),
  });
  app.decorate('decisions', decisions);
  app.decorate('policies', new PolicyService(app.store, cache, clock));
  app.decorate('shadows', new ShadowService(app.store, cache, clock));
  app.decorate('orgMode', new OrgModeService(app.store, cache, clock));
  app.decorate('impact', new ImpactService(app.store, cache, new SealedTrafficCache(), clock));
  const actions = new IntentActions(app.store, cache, { clock, onEvents, afterCommit });
  app.decorate('actions', actions);
  // Approval requests past their TTL are expired by this sweep (and on the spot when someone
  // tries to act on one), each sealed as an `expiry` record.
  const sweep = setInterval(() => {
    actions.expireDue().then(
      (expired) => { if (expired > 0) app.log.info({ expired }, 'approval requests expired'); },
      (error: unknown) => app.log.warn({ err: error }, 'expiring approval requests failed'),
    );
  }, 60_000);
  sweep.unref();
  webhooks.start(options.webhookPollMs ?? 1000);
  outbox.start(options.webhookPollMs ?? 1000);
  // Idempotency keys are only honoured for 24 hours; older rows are deleted hourly.
  const purge = setInterval(() => {
    const before = clock().getTime() - IDEMPOTENCY_TTL_MS;
    app.store.transaction((tx) => tx.idempotency.purge(before)).then(
      (deleted) => { if (deleted > 0) app.log.info({ deleted }, 'expired idempotency keys purged'); },
      (error: unknown) => app.log.warn({ err: error }, 'purging idempotency keys failed'),
    );
  }, 3_600_000);
  purge.unref();
  // Runs before the store closes (onClose hooks run in reverse order of registration).
  app.addHook('onClose', async () => {
    clearInterval(purge);
    clearInterval(sweep);
    await decisions.drain();
    await webhooks.stop();
    await outbox.stop();
    await slack.idle();
    if (email) {
      await email.idle();
      email.close();
    }
  });
}, { name: 'axiru-services', fastify: '5.x', dependencies: ['axiru-repositories', 'axiru-metrics', 'axiru-leases', 'axiru-projections'] });
