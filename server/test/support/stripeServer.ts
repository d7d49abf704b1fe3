// A local HTTP server that answers GET /v1/refunds the way Stripe's API does: list objects
// newest first with `has_more`, `starting_after` cursors, `created[gte]`, `expand[]=data.charge`,
// Bearer authentication, Stripe's error bodies, and scripted failures (5xx, 429 with
// Stripe-Should-Retry, 400) for the SDK's retry and error paths. The real `stripe` SDK talks to
// it over real HTTP on 127.0.0.1.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCharge {
  readonly id: string;
  readonly amount: number;
  readonly currency: string;
  readonly created: number;
  readonly customer: string | null;
  readonly metadata?: Record<string, string>;
}

export interface FakeRefund {
  readonly id: string;
  readonly amount: number;
  readonly currency: string;
  /** Unix seconds. */
  readonly created: number;
  readonly status?: string;
  readonly charge: FakeCharge;
  readonly metadata?: Record<string, string>;
  readonly reason?: string | null;
}

export interface ScriptedFailure {
  readonly status: number;
  readonly type: string;
  readonly message: string;
  readonly code?: string;
  readonly headers?: Record<string, string>;
}

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  readonly status: number;
}

export interface StripeServer {
  readonly port: number;
  readonly api: { host: string; port: number; protocol: 'http' };
  readonly requests: SeenRequest[];
  /** The next requests fail like this, one each, before any is answered normally. */
  failNext(...failures: ScriptedFailure[]): void;
  /**
   * From the n-th request on (1-based, counting every request), requests wait until released:
   * `arrived` resolves when the first one is waiting.
   */
  holdFrom(n: number): { arrived: Promise<void>; release: () => void };
  close(): Promise<void>;
}

export interface StripeServerOptions {
  readonly key: string;
  readonly refunds: readonly FakeRefund[];
  /** Most objects per page whatever `limit` asks for (so a few refunds make several pages). */
  readonly pageSize?: number;
}

function chargeObject(charge: FakeCharge) {
  return {
    id: charge.id, object: 'charge', amount: charge.amount, currency: charge.currency, created: charge.created,
    customer: charge.customer, metadata: charge.metadata ?? {}, livemode: false, paid: true, status: 'succeeded',
    on_behalf_of: null, transfer_data: null, destination: null,
  };
}

export function refundObject(refund: FakeRefund, expandCharge: boolean) {
  return {
    id: refund.id, object: 'refund', amount: refund.amount, currency: refund.currency, created: refund.created,
    status: refund.status ?? 'succeeded', reason: refund.reason ?? null, metadata: refund.metadata ?? {},
    charge: expandCharge ? chargeObject(refund.charge) : refund.charge.id, payment_intent: null, balance_transaction: null,
  };
}

/** `expand[]=x` and the SDK's `expand[0]=x` alike. */
export function expansions(query: URLSearchParams): string[] {
  return [...query.entries()].filter(([key]) => /^expand\[\d*\]$/.test(key)).map(([, value]) => value);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${Math.random().toString(36).slice(2, 12)}`, ...headers });
  res.end(JSON.stringify(body));
}

export async function startStripeServer(options: StripeServerOptions): Promise<StripeServer> {
  const requests: SeenRequest[] = [];
  const failures: ScriptedFailure[] = [];
  // Stripe lists newest first; ties by id so pages are stable.
  const sorted = [...options.refunds].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
  const pageSize = options.pageSize ?? 100;

  let received = 0;
  let hold: { from: number; gate: Promise<void>; arrived: () => void } | null = null;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    received++;
    if (hold && received >= hold.from) {
      hold.arrived();
      await hold.gate;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
      requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, status });
      send(res, status, body, headers);
    };
    if (req.headers.authorization !== `Bearer ${options.key}`) {
      answer(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided: rk_test_****' } });
      return;
    }
    const failure = failures.shift();
    if (failure) {
      answer(failure.status, { error: { type: failure.type, message: failure.message, ...(failure.code ? { code: failure.code } : {}) } }, failure.headers);
      return;
    }
    if (req.method !== 'GET' || url.pathname !== '/v1/refunds') {
      answer(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${url.pathname}).` } });
      return;
    }
    const q = url.searchParams;
    const gte = q.get('created[gte]');
    const limit = Math.min(Number(q.get('limit') ?? 10), pageSize);
    const expand = expansions(q).includes('data.charge');
    let list = gte === null ? sorted : sorted.filter((r) => r.created >= Number(gte));
    const after = q.get('starting_after');
    if (after !== null) {
      const index = list.findIndex((r) => r.id === after);
      if (index === -1) {
        answer(400, { error: { type: 'invalid_request_error', message: `No such refund: '${after}'`, param: 'starting_after' } });
        return;
      }
      list = list.slice(index + 1);
    }
    const page = list.slice(0, limit);
    answer(200, { object: 'list', url: '/v1/refunds', has_more: list.length > page.length, data: page.map((r) => refundObject(r, expand)) });
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    api: { host: '127.0.0.1', port, protocol: 'http' },
    requests,
    failNext: (...next) => void failures.push(...next),
    holdFrom: (n) => {
      let release = (): void => undefined;
      let arrived = (): void => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const arrival = new Promise<void>((resolve) => (arrived = resolve));
      hold = { from: n, gate, arrived };
      return { arrived: arrival, release: () => { hold = null; release(); } };
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
