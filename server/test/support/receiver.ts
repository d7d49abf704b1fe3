import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A local HTTP server (127.0.0.1 only) that records requests and answers with scripted statuses. */
export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Statuses for the next requests, in order; afterwards `fallback`. */
  statuses: number[];
  fallback: number;
  close(): Promise<void>;
}

export async function startReceiver(
  respond?: (request: Received) => { status: number; body: string; headers?: Record<string, string> } | null,
): Promise<Receiver> {
  const received: Received[] = [];
  const state = { statuses: [] as number[], fallback: 200 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      const custom = respond?.(entry);
      if (custom) {
        response.writeHead(custom.status, { 'content-type': 'application/json', ...custom.headers }).end(custom.body);
        return;
      }
      response.writeHead(state.statuses.shift() ?? state.fallback, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get statuses() { return state.statuses; },
    set statuses(value: number[]) { state.statuses = value; },
    get fallback() { return state.fallback; },
    set fallback(value: number) { state.fallback = value; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * Polls every 10 ms until `condition` holds. The deadline only turns a hang into a failure: it is
 * far beyond what a busy machine needs, so the result never depends on the machine's speed.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, deadlineMs = 90_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${deadlineMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
