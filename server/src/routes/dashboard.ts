// The web dashboard (dashboard/dist, built by `npm run build -w @axiru/dashboard`) at `/`. Its
// pages are client-side routes, so any GET outside /api and /docs that is not a file answers
// index.html; the API keeps its JSON 404s.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** dashboard/dist of the monorepo, from both server/src/routes and server/dist/routes. */
export const DASHBOARD_DIST = fileURLToPath(new URL('../../../dashboard/dist/', import.meta.url));

// Scripts, styles and data only from this origin; never framed (clickjacking an Approve button).
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'", "object-src 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Axiru</title>
<p>The Axiru dashboard is not built. Run <code>npm run build -w @axiru/dashboard</code> (or <code>npm ci</code>,
which builds it) and restart the server. The API is available under <a href="/docs">/api (docs)</a>.</p>`;

function isApiPath(url: string): boolean {
  return /^\/(api|docs)(\/|\?|$)/.test(url);
}

export const dashboardRoutes: FastifyPluginAsync<{ root?: string }> = async (app, options) => {
  const root = options.root ?? DASHBOARD_DIST;
  const built = existsSync(`${root}/index.html`);

  if (!built) {
    app.get('/*', { schema: { hide: true } }, async (request: FastifyRequest, reply: FastifyReply) => {
      if (isApiPath(request.url)) return reply.callNotFound();
      return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    });
    return;
  }

  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    schemaHide: true,
    index: false,
    setHeaders: (res, path) => {
      // Vite names assets by content hash, so they never change; index.html always may.
      if (path.includes('/assets/')) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    },
  });

  app.get('/*', { schema: { hide: true } }, async (request: FastifyRequest, reply: FastifyReply) => {
    if (isApiPath(request.url)) return reply.callNotFound();
    return reply
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .sendFile('index.html');
  });
};
