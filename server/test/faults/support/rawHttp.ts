import { Agent, request } from 'node:http';

// Requests as raw bytes over keep-alive connections: fetch would re-encode bodies and refuse
// some of what the fuzz sends on purpose.

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface RawRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | null;
}

export function keepAliveAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

export function send(base: string, req: RawRequest, agent?: Agent): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(base);
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== null) headers['content-length'] = req.body.length;
    const outgoing = request({
      host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent,
    }, (response) => {
      if (String(response.headers['content-type']).startsWith('text/event-stream')) {
        // A stream that never ends by design (GET /api/events): its status is the answer.
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: '' });
        response.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(req.body ?? undefined);
  });
}

/** Runs `work` on every item with at most `concurrency` in flight; items are pulled lazily. */
export async function pool<T>(items: Iterable<T>, concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const worker = async (): Promise<void> => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) await work(next.value);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
