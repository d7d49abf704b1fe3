import type { FastifyPluginAsync } from 'fastify';
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { LogLevel } from './config.js';
import { DEFAULT_CONNECTION_LIMITS, fastifyConnectionOptions, type ConnectionLimits } from './connectionLimits.js';
import { errorBody } from './errors.js';
import { loggerOptions, type LogFormat } from './logFormat.js';
import { authPlugin } from './plugins/auth.js';
import { ledgerNotifyPlugin } from './plugins/ledgerNotify.js';
import { dbPlugin } from './plugins/db.js';
import { BODY_LIMIT_BYTES, errorHandler, sendError } from './plugins/errorHandler.js';
import { metricsPlugin } from './plugins/metrics.js';
import { leasesPlugin } from './plugins/leases.js';
import { projectionsPlugin, type ProjectionsPluginOptions } from './plugins/projections.js';
import { safeError } from './plugins/logSerializers.js';
import { rateLimitPlugin } from './plugins/rateLimit.js';
import type { RateLimits } from './services/rateLimits.js';
import { openapiPlugin } from './plugins/openapi.js';
import { repositoriesPlugin } from './plugins/repositories.js';
import { servicesPlugin } from './plugins/services.js';
import type { EmailSettings } from './services/email.js';
import { auditCheckpointsPlugin, type AuditCheckpointsOptions } from './plugins/auditCheckpoints.js';
import { auditProofRoutes } from './routes/auditProofs.js';
import { approvalRoutes } from './routes/approvals.js';
import { auditRoutes } from './routes/audit.js';
import { controlRoutes } from './routes/controls.js';
import { listRoutes } from './routes/lists.js';
import { breakerRoutes } from './routes/breakers.js';
import { decisionRoutes } from './routes/decision.js';
import { healthRoutes } from './routes/health.js';
import { intentRoutes } from './routes/intents.js';
import { policyRoutes } from './routes/policies.js';
import { policyImpactRoutes } from './routes/policyImpact.js';
import { slackRoutes } from './routes/slack.js';
import { userRoutes } from './routes/users.js';
import { webhookRoutes } from './routes/webhooks.js';
import { exportsPlugin } from './exports/exportsPlugin.js';
import { exportRoutes } from './routes/exports.js';
import { shadowRoutes } from './routes/shadow.js';
import { orgRoutes } from './routes/org.js';
import { orgLimitRoutes } from './routes/orgLimits.js';
import { sessionRoutes } from './routes/session.js';
import { eventRoutes } from './routes/events.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { replayStripePlugin } from './plugins/replayStripe.js';
import { numbersRoutes } from './routes/numbers.js';
import { replayRoutes } from './routes/replays.js';
import { stripeRoutes } from './routes/stripe.js';
import { ssoRoutes } from './routes/sso.js';
import { ssoPlugin } from './sso/ssoPlugin.js';
import type { StripeApiOverride } from './services/stripeClient.js';

export interface AppOptions {
  readonly dataDir: string;
  /** A PostgreSQL URL (AXIRU_DATABASE_URL): the database instead of SQLite in dataDir. */
  readonly databaseUrl?: string | undefined;
  readonly maxBatch: number;
  /** Most decisions of one organisation per transaction (default: DecisionService's). */
  readonly maxBatchPerOrg?: number | undefined;
  readonly checkpointIntervalMs: number;
  readonly metricsToken?: string | undefined;
  /** The time source of received_at and every window (tests move it; default: steadyClock()). */
  readonly clock?: (() => Date) | undefined;
  /** How often due webhook deliveries are looked for, in ms (default 1000; 0: only when events happen). */
  readonly webhookPollMs?: number | undefined;
  /** First webhook retry delay in ms, doubling after each failure (default 1000). */
  readonly webhookRetryBaseMs?: number | undefined;
  /** Slack's Web API base URL, e.g. http://127.0.0.1:PORT/api/ in tests (default: Slack's). */
  readonly slackApiUrl?: string | undefined;
  /** Approval requests by email: the SMTP server, the From header, the dashboard's URL for links. */
  readonly email?: EmailSettings | undefined;
  /** How often export sinks are looked at for new records, in ms (default 1000; 0: only by hand). */
  readonly exportPollMs?: number | undefined;
  /** First export retry delay in ms, doubling after each failure (default 1000). */
  readonly exportRetryBaseMs?: number | undefined;
  /** Checkpoint signing (default: AXIRU_AUDIT_CHECKPOINT_RECORDS / _SECONDS, polled every second). */
  readonly auditCheckpoints?: AuditCheckpointsOptions | undefined;
  /** How the projections catch up behind the ledger. */
  readonly projections?: ProjectionsPluginOptions | undefined;
  /** Where the Stripe SDK connects, e.g. a local Stripe-shaped server in tests (default: AXIRU_STRIPE_API_BASE, else Stripe). */
  readonly stripeApi?: StripeApiOverride | undefined;
  /** The largest history upload, in bytes (default: AXIRU_REPLAY_MAX_BYTES, else 1 GiB). */
  readonly replayMaxBytes?: number | undefined;
  /** AXIRU_PUBLIC_URL: where browsers reach the server (the SSO redirect URI is built on it). */
  readonly publicUrl?: string | undefined;
  /** The fetch single sign-on uses to reach identity providers (tests trust their own CA with it). */
  readonly ssoFetch?: typeof fetch | undefined;
  /** Server-wide rate-limit defaults (AXIRU_RATE_LIMITS; else DEFAULT_RATE_LIMITS). */
  readonly rateLimits?: RateLimits | undefined;
}

/** The whole application as one plugin: infrastructure first, then the routes. */
export const app: FastifyPluginAsync<AppOptions> = async (fastify, options) => {
  await fastify.register(errorHandler);
  // Before anything that adds routes, so the OpenAPI document sees every route.
  await fastify.register(openapiPlugin);
  await fastify.register(dbPlugin, { dataDir: options.dataDir, checkpointIntervalMs: options.checkpointIntervalMs, databaseUrl: options.databaseUrl });
  await fastify.register(repositoriesPlugin);
  await fastify.register(metricsPlugin, { token: options.metricsToken });
  await fastify.register(leasesPlugin);
  await fastify.register(projectionsPlugin, options.projections ?? {});
  await fastify.register(servicesPlugin, {
    maxBatch: options.maxBatch, maxBatchPerOrg: options.maxBatchPerOrg, clock: options.clock,
    webhookPollMs: options.webhookPollMs, webhookRetryBaseMs: options.webhookRetryBaseMs, slackApiUrl: options.slackApiUrl,
    email: options.email,
  });
  await fastify.register(ledgerNotifyPlugin);
  await fastify.register(authPlugin);
  await fastify.register(ssoPlugin, { publicUrl: options.publicUrl, fetch: options.ssoFetch });
  // Before the routes: it hooks each authenticated route as it is added.
  await fastify.register(rateLimitPlugin, { defaults: options.rateLimits });
  await fastify.register(exportsPlugin, { pollMs: options.exportPollMs, retryBaseMs: options.exportRetryBaseMs });
  await fastify.register(auditCheckpointsPlugin, options.auditCheckpoints ?? {});
  await fastify.register(replayStripePlugin, { dataDir: options.dataDir, stripeApi: options.stripeApi, replayMaxBytes: options.replayMaxBytes });

  await fastify.register(healthRoutes);
  await fastify.register(decisionRoutes);
  await fastify.register(intentRoutes);
  await fastify.register(policyRoutes);
  await fastify.register(policyImpactRoutes);
  await fastify.register(auditRoutes);
  await fastify.register(auditProofRoutes);
  await fastify.register(userRoutes);
  await fastify.register(approvalRoutes);
  await fastify.register(controlRoutes);
  await fastify.register(listRoutes);
  await fastify.register(breakerRoutes);
  await fastify.register(webhookRoutes);
  await fastify.register(slackRoutes);
  await fastify.register(exportRoutes);
  await fastify.register(shadowRoutes);
  await fastify.register(orgRoutes);
  await fastify.register(orgLimitRoutes);
  await fastify.register(sessionRoutes);
  await fastify.register(ssoRoutes);
  await fastify.register(eventRoutes);
  await fastify.register(replayRoutes);
  await fastify.register(stripeRoutes);
  await fastify.register(numbersRoutes);
  // Last: its catch-all GET serves the dashboard's pages.
  await fastify.register(dashboardRoutes);
};

export interface BuildOptions extends Partial<AppOptions> {
  readonly dataDir: string;
  readonly logLevel?: LogLevel;
  /** JSON Lines unless told otherwise (see logFormat.ts). */
  readonly logFormat?: LogFormat;
  /** Where log lines go (default: stdout). */
  readonly logStream?: { write(line: string): void } | undefined;
  /** Timeouts for slow clients and the connection cap (default DEFAULT_CONNECTION_LIMITS). */
  readonly connectionLimits?: ConnectionLimits | undefined;
}

/**
 * A fastify instance with the app registered. Validation is strict by design: Ajv never
 * coerces types ("100" is not a number of cents), never drops unknown fields (they are
 * errors), and never fills defaults behind the caller's back.
 */
export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const logLevel = options.logLevel ?? 'silent';
  const limits = options.connectionLimits ?? DEFAULT_CONNECTION_LIMITS;
  const fastify = Fastify({
    ...fastifyConnectionOptions(limits),
    logger: logLevel === 'silent' ? false : await loggerOptions(logLevel, options.logFormat ?? 'json', options.logStream),
    // Per-request log lines only when debugging: at info they would cost more than a decision.
    logController: new LogController({ disableRequestLogging: logLevel !== 'debug' && logLevel !== 'trace' }),
    bodyLimit: BODY_LIMIT_BYTES,
    forceCloseConnections: 'idle',
    // Errors fastify raises before routing (a malformed URL, an over-long path parameter) get
    // the API's error shape too.
    frameworkErrors: (error, _request, reply) => {
      const body = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? errorBody('not_found', 'No resource has an id this long.')
        : errorBody('invalid_request', 'The URL is not valid (check its percent-encoding).');
      void sendError(reply as unknown as FastifyReply, error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 404 : 400, body);
    },
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false },
    },
  });

  fastify.server.maxConnections = limits.maxConnections;

  // JSON only (text/plain would reach the schema as a string), parsed as usual except that an
  // empty body with a JSON content type is "no body" rather than an error, so POST …/activate
  // works whether or not a client sends the header.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });

  // fastify-plugin keeps the app's hooks, decorators and handlers on the root instance.
  await fastify.register(fp(app, { name: 'axiru-app', fastify: '5.x' }), {
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    maxBatch: options.maxBatch ?? 256,
    maxBatchPerOrg: options.maxBatchPerOrg,
    checkpointIntervalMs: options.checkpointIntervalMs ?? 100,
    metricsToken: options.metricsToken,
    clock: options.clock,
    webhookPollMs: options.webhookPollMs,
    webhookRetryBaseMs: options.webhookRetryBaseMs,
    slackApiUrl: options.slackApiUrl,
    email: options.email,
    exportPollMs: options.exportPollMs,
    exportRetryBaseMs: options.exportRetryBaseMs,
    auditCheckpoints: options.auditCheckpoints,
    projections: options.projections,
    stripeApi: options.stripeApi,
    replayMaxBytes: options.replayMaxBytes,
    publicUrl: options.publicUrl,
    ssoFetch: options.ssoFetch,
    rateLimits: options.rateLimits,
  });
  return fastify;
}
