import fp from 'fastify-plugin';
import { SsoService } from './SsoService.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Single sign-on: settings, start and callback. */
    sso: SsoService;
  }
}

export interface SsoPluginOptions {
  /** AXIRU_PUBLIC_URL, for the redirect URI. */
  readonly publicUrl?: string | undefined;
  /** The fetch openid-client uses (default: the global one, which trusts NODE_EXTRA_CA_CERTS). */
  readonly fetch?: typeof fetch | undefined;
}

export const ssoPlugin = fp<SsoPluginOptions>(async (app, options) => {
  app.decorate('sso', new SsoService(app.store, app.sessions, {
    clock: () => app.clock(),
    publicUrl: options.publicUrl,
    fetch: options.fetch,
    // The reason a provider failed, for the operator; the user's answer says less.
    onError: (error, stage) => app.log.warn({ stage, reason: error instanceof Error ? error.message : String(error) }, 'single sign-on failed'),
  }));
}, { name: 'axiru-sso', fastify: '5.x', dependencies: ['axiru-auth', 'axiru-services'] });
