import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, decideExpect, FM_REQUEST, ALLOW_REQUEST, post } from '../support/people.js';
import { createTestApp, type TestApp } from '../support/testApp.js';

// The event stream is about the network (a response that never ends), so it is read over a
// real loopback socket rather than app.inject().

interface SseEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

class EventReader {
  readonly events: SseEvent[] = [];
  private buffer = '';
  private waiters: Array<() => void> = [];
  ended = false;

  constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\n\n')) >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const fields = Object.fromEntries(block.split('\n').filter((line) => !line.startsWith(':')).map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon), line.slice(colon + 1).trimStart()];
        }));
        if (fields['data'] !== undefined) {
          this.events.push({ id: fields['id'] ?? '', event: fields['event'] ?? 'message', data: JSON.parse(fields['data']) as Record<string, unknown> });
        }
      }
      this.wake();
    });
    response.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves once an event matches; the test's own timeout is the only deadline. */
  async next(match: (event: SseEvent) => boolean): Promise<SseEvent> {
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.ended) throw new Error('stream ended');
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

function open(url: string, key: string, headers: Record<string, string> = {}): Promise<EventReader> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/api/events`, { headers: { authorization: `Bearer ${key}`, ...headers } }, (response) => resolve(new EventReader(response)));
    req.on('error', reject);
    req.end();
  });
}

let t: TestApp;
let url: string;

beforeAll(async () => {
  t = await createTestApp();
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await t.close();
});

describe('GET /api/events', () => {
  it('streams each record about an intent of my organisation, live, in chain order', async () => {
    const other = await t.addOrg('Other org');
    const stream = await open(url, t.demo.adminKey);
    expect(stream.response.statusCode).toBe(200);
    expect(stream.response.headers['content-type']).toContain('text/event-stream');
    const finance = await addUser(t, ['finance_manager']);

    await decideExpect(t, ALLOW_REQUEST, 'allow', other.decisionKey);
    const id = await decideExpect(t, FM_REQUEST, 'pending_approval');
    const decided = await stream.next((event) => event.data['intent_id'] === id);
    expect(decided.event).toBe('intent');
    expect(decided.data).toMatchObject({ kind: 'decision', outcome: 'pending_approval', status: 'pending_approval', amount_cents: 22000, currency: 'usd' });
    expect(decided.id).toBe(String(decided.data['seq']));

    expect((await post(t, `/api/intents/${id}/approve`, finance.key, {})).statusCode).toBe(200);
    const approved = await stream.next((event) => event.data['intent_id'] === id && event.data['kind'] === 'approval');
    expect(approved.data['status']).toBe('approved');
    expect(Number(approved.id)).toBeGreaterThan(Number(decided.id));
    // Nothing from the other organisation.
    expect(stream.events.every((event) => event.data['intent_id'] === undefined || event.data['intent_id'] === id)).toBe(true);

    // A reconnecting browser sends Last-Event-ID and gets what it missed.
    const resumed = await open(url, t.demo.adminKey, { 'last-event-id': decided.id });
    const replayed = await resumed.next((event) => event.data['kind'] === 'approval');
    expect(replayed.id).toBe(approved.id);
    stream.response.destroy();
    resumed.response.destroy();
  });

  it('needs a reader; decision keys and anonymous callers are refused', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/events' });
    expect(anonymous.statusCode).toBe(401);
    const decisionKey = await t.app.inject({ method: 'GET', url: '/api/events', headers: { authorization: `Bearer ${t.demo.decisionKey}` } });
    expect(decisionKey.statusCode).toBe(403);
  });

  it('ends open streams when the server closes', async () => {
    const stream = await open(url, t.demo.adminKey);
    const closing = t.app.close();
    await stream.next(() => false).catch(() => undefined);
    expect(stream.ended).toBe(true);
    await closing;
  });
});
