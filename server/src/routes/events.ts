// GET /api/events: Server-Sent Events for the dashboard. Every record sealed in the caller's
// organisation's chain after the stream opened (or after Last-Event-ID, so a reconnecting
// browser misses nothing) is sent in chain order: records about an intent as `event: intent`
// with the intent's current status, the others (policies, freezes, kill switches) as
// `event: record`. The event id is the record's seq.

import type { FastifyPluginAsync } from 'fastify';
import { authOf } from '../plugins/auth.js';
import { errorResponses } from '../schemas/common.js';

const HEARTBEAT_MS = 15_000;
/** Also re-read the chain this often, for records sealed by other processes (CLI, other instances). */
const POLL_MS = 2_000;
const PAGE = 200;

export const eventRoutes: FastifyPluginAsync = async (app) => {
  const streams = new Set<() => void>();
  // Open streams never go idle, so the server would wait for them forever on shutdown.
  app.addHook('preClose', async () => {
    for (const end of streams) end();
  });

  app.get('/api/events', {
    schema: {
      tags: ['decisions'],
      summary: 'Server-Sent Events: each record sealed in the organisation\'s chain (event: intent | record; id: seq)',
      response: errorResponses(401, 403),
    },
    preValidation: app.authenticate(['admin', 'user']),
  }, async (request, reply) => {
    const { org } = authOf(request);
    const lastId = request.headers['last-event-id'];
    let after = typeof lastId === 'string' && /^\d{1,15}$/.test(lastId)
      ? Number(lastId)
      : (await app.store.ledger.head(org.id))?.seq ?? 0;

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 2000\n\n');

    let closed = false;
    let running = false;
    let again = false;
    // One read at a time per stream; signals that arrive meanwhile cause one more read.
    const pump = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          for (;;) {
            const records = await app.store.ledger.scan(org.id, after, PAGE);
            for (const record of records) {
              if (closed) return;
              after = record.seq;
              const base = { seq: record.seq, kind: record.kind, time: record.time, actor: record.actor };
              if (record.intent_id === null) {
                raw.write(`id: ${record.seq}\nevent: record\ndata: ${JSON.stringify(base)}\n\n`);
                continue;
              }
              const intent = await app.intent(org.id, record.intent_id);
              const data = {
                intent_id: record.intent_id, ...base,
                outcome: intent?.outcome ?? null, status: intent?.status ?? null, source: intent?.source ?? null,
                amount_cents: intent?.amount_cents ?? null, currency: intent?.currency ?? null,
                matched_rule: intent?.matched_rule ?? null, received_at: intent?.received_at ?? null,
                customer_id: intent?.customer_id ?? null, stripe_account: intent?.stripe_account ?? null,
              };
              raw.write(`id: ${record.seq}\nevent: intent\ndata: ${JSON.stringify(data)}\n\n`);
            }
            if (records.length < PAGE) break;
          }
        } while (again && !closed);
      } catch (error) {
        app.log.warn({ err: error }, 'the event stream could not read the ledger');
      } finally {
        running = false;
      }
    };
    const kick = (): void => {
      void pump();
    };

    const unsubscribe = app.ledgerFeed.subscribe(kick);
    const poll = setInterval(kick, POLL_MS);
    const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), HEARTBEAT_MS);
    const end = (): void => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(poll);
      clearInterval(heartbeat);
      streams.delete(end);
      raw.end();
    };
    streams.add(end);
    raw.on('close', end);
    kick();
    return reply;
  });
};
