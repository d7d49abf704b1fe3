import fp from 'fastify-plugin';
import { ReplayService } from '../services/ReplayService.js';
import { parseStripeApiBase, type StripeApiOverride } from '../services/stripeClient.js';
import { StripeWebhookService } from '../services/StripeWebhookService.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Stored history replays (uploads and Stripe imports) and their retention. */
    replays: ReplayService;
    /** Verifies and handles Stripe webhook events. */
    stripeWebhooks: StripeWebhookService;
    /** Where Stripe's API is (undefined: Stripe's own). */
    stripeApi: StripeApiOverride | undefined;
    /** The largest history upload accepted, in bytes. */
    replayMaxBytes: number;
  }
}

export const DEFAULT_REPLAY_MAX_BYTES = 1024 ** 3;
const RETENTION_SWEEP_MS = 3_600_000;

export interface ReplayStripeOptions {
  readonly dataDir: string;
  /** Default: AXIRU_STRIPE_API_BASE, else Stripe's API. */
  readonly stripeApi?: StripeApiOverride | undefined;
  /** Default: AXIRU_REPLAY_MAX_BYTES, else 1 GiB. */
  readonly replayMaxBytes?: number | undefined;
}

function maxBytesFromEnv(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_REPLAY_MAX_BYTES;
  if (!/^[1-9][0-9]{0,14}$/.test(text)) throw new Error(`AXIRU_REPLAY_MAX_BYTES must be a positive whole number of bytes; got ${JSON.stringify(text)}`);
  return Number(text);
}

export const replayStripePlugin = fp<ReplayStripeOptions>(async (app, options) => {
  const env = process.env;
  const stripeApi = options.stripeApi ?? (env['AXIRU_STRIPE_API_BASE'] ? parseStripeApiBase(env['AXIRU_STRIPE_API_BASE']) : undefined);
  app.decorate('stripeApi', stripeApi);
  app.decorate('replayMaxBytes', options.replayMaxBytes ?? maxBytesFromEnv(env['AXIRU_REPLAY_MAX_BYTES']));
  const replays = new ReplayService(app.store, {
    dataDir: options.dataDir,
    clock: app.clock,
    onError: (error, replayId) => app.log.error({ err: error, replayId }, 'a replay failed'),
    leases: app.leases,
  });
  app.decorate('replays', replays);
  app.decorate('stripeWebhooks', new StripeWebhookService(app.store, app.actions, { clock: app.clock }));

  const sweep = (): void => {
    replays.purgeExpired().then(
      (deleted) => { if (deleted > 0) app.log.info({ deleted }, 'replay history past retention deleted'); },
      (error: unknown) => app.log.warn({ err: error }, 'deleting replay history past retention failed'),
    );
  };
  const timer = setInterval(sweep, RETENTION_SWEEP_MS);
  timer.unref();
  const failInterrupted = async (): Promise<void> => {
    const interrupted = await replays.failInterrupted();
    if (interrupted > 0) app.log.warn({ interrupted }, 'replays interrupted by a restart (or a server that stopped) were marked failed');
  };
  // A replay of a server that died while others run is failed once its lease ran out.
  const interruptions = setInterval(() => {
    failInterrupted().catch((error: unknown) => app.log.warn({ err: error }, 'looking for interrupted replays failed'));
  }, app.leases.leaseMs);
  interruptions.unref();
  app.addHook('onReady', async () => {
    await failInterrupted();
    sweep();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    clearInterval(interruptions);
    await replays.idle();
  });
}, { name: 'axiru-replay-stripe', fastify: '5.x', dependencies: ['axiru-services'] });
