import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** What the receiver answers one request with; `hold` keeps the request open (never answered). */
export type ScriptedAnswer = { status: number; body?: string; headers?: Record<string, string> } | 'hold';

export interface SiemRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Bytes as they arrived (gzip still compressed). */
  readonly rawBytes: number;
  /** Bytes after gunzip. */
  readonly bytes: number;
  /** The events of the request: HEC `event` objects, or Datadog entries' parsed `message`. */
  readonly events: Record<string, unknown>[];
  /** Datadog entries as sent (with `message` as text). */
  readonly entries: Record<string, unknown>[];
  /** The answer given, or 'hold'. */
  status: number | 'hold';
  /** Whether the answer acknowledged the batch (HEC: 200 with code 0; Datadog: 2xx). */
  acknowledged: boolean;
}

/**
 * A local SIEM endpoint on 127.0.0.1 speaking Splunk HEC (`POST /services/collector/event`) and
 * Datadog Logs (`POST /api/v2/logs`). Answers come from `script` in order, then the protocol's
 * success (HEC 200 {"text":"Success","code":0}, Datadog 202 {}). Only answered-with-success
 * requests count as acknowledged.
 */
export interface SiemReceiver {
  readonly url: string;
  readonly requests: SiemRequest[];
  script: ScriptedAnswer[];
  /** Every answer waits this long (a slow receiver keeps batches in flight). */
  delayMs: number;
  /** Events of the requests answered with success, in arrival order. */
  acknowledged(): Record<string, unknown>[];
  /** Answers every held request with `answer` (default: success). */
  release(answer?: { status: number; body?: string }): void;
  close(): Promise<void>;
}

export const HEC_SUCCESS = JSON.stringify({ text: 'Success', code: 0 });

function acknowledges(path: string, answer: { status: number; body?: string }): boolean {
  if (path.startsWith('/api/v2/logs')) return answer.status >= 200 && answer.status < 300;
  if (answer.status !== 200) return false;
  if (answer.body === undefined) return true;
  try {
    return (JSON.parse(answer.body) as { code?: unknown }).code === 0;
  } catch {
    return false;
  }
}

export async function startSiemReceiver(): Promise<SiemReceiver> {
  const requests: SiemRequest[] = [];
  const held: Array<{ request: SiemRequest; response: ServerResponse }> = [];
  const state = { script: [] as ScriptedAnswer[], delayMs: 0 };
  const success = (path: string) => (path.startsWith('/api/v2/logs') ? { status: 202, body: '{}' } : { status: 200, body: HEC_SUCCESS });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = request.url ?? '';
      const decoded = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const text = decoded.toString('utf8');
      let events: Record<string, unknown>[] = [];
      let entries: Record<string, unknown>[] = [];
      if (path.startsWith('/api/v2/logs')) {
        entries = JSON.parse(text) as Record<string, unknown>[];
        events = entries.map((entry) => JSON.parse(String(entry['message'])) as Record<string, unknown>);
      } else {
        events = text.split('\n').filter((line) => line.trim() !== '').map((line) => (JSON.parse(line) as { event: Record<string, unknown> }).event);
      }
      const answer = state.script.shift() ?? success(path);
      const entry: SiemRequest = {
        path, headers: request.headers, rawBytes: raw.length, bytes: decoded.length, events, entries,
        status: answer === 'hold' ? 'hold' : answer.status, acknowledged: false,
      };
      requests.push(entry);
      if (answer === 'hold') {
        held.push({ request: entry, response });
        return;
      }
      const answerNow = (): void => {
        if (response.destroyed) return;
        const body = answer.body ?? (answer.status < 300 ? success(path).body : '{"text":"error"}');
        response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(body);
        entry.acknowledged = acknowledges(path, { status: answer.status, body });
      };
      if (state.delayMs > 0) setTimeout(answerNow, state.delayMs);
      else answerNow();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get script() { return state.script; },
    set script(value: ScriptedAnswer[]) { state.script = value; },
    get delayMs() { return state.delayMs; },
    set delayMs(value: number) { state.delayMs = value; },
    acknowledged: () => requests.filter((entry) => entry.acknowledged).flatMap((entry) => entry.events),
    release(answer) {
      for (const { request, response } of held.splice(0)) {
        const given = answer ?? success(request.path);
        request.status = given.status;
        if (response.destroyed) continue;
        response.writeHead(given.status, { 'content-type': 'application/json' }).end(given.body ?? '{}');
        request.acknowledged = acknowledges(request.path, given);
      }
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The sealed record inside an exported event (OCSF `unmapped.axiru_record`, ECS `axiru.record`). */
export function recordOf(event: Record<string, unknown>): { seq: number; hash: string; prev_hash: string; kind: string; body: unknown; [key: string]: unknown } {
  const unmapped = event['unmapped'] as { axiru_record?: unknown } | undefined;
  const axiru = event['axiru'] as { record?: unknown } | undefined;
  const record = unmapped?.axiru_record ?? axiru?.record;
  if (!record) throw new Error(`no sealed record in event ${JSON.stringify(event).slice(0, 200)}`);
  return record as ReturnType<typeof recordOf>;
}
