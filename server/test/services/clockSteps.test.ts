import { afterEach, describe, expect, it } from 'vitest';
import { JUMP_AHEAD_MS, SLEW, steadyClock, type ClockSources } from '../../src/services/steadyClock.js';
import { FM_REQUEST, decideExpect, intent } from '../support/people.js';
import { createTestApp, json, type DecisionJson, type TestApp } from '../support/testApp.js';

// Clock steps (issue 19): the system's wall clock jumps back (or forward) by an hour while the
// server runs. The server's clock is services/steadyClock.ts over injected sources — a wall
// clock the test steps and a monotonic clock that only ever advances with real time — so each
// test plays hours of time in an instant.

const HOUR = 3_600_000;

/** A wall clock the test can step and a monotonic clock that moves only with `advance`. */
function fakeSources(startMs = Date.parse('2026-04-28T12:00:00.000Z')) {
  const state = { wall: startMs, mono: 1_000 };
  const sources: ClockSources = { wallMs: () => state.wall, monotonicMs: () => state.mono };
  return {
    sources,
    /** Real time passes: both clocks move. */
    advance(ms: number) {
      state.wall += ms;
      state.mono += ms;
    },
    /** The wall clock is stepped; the monotonic one is not. */
    step(ms: number) {
      state.wall += ms;
    },
  };
}

describe('steadyClock', () => {
  it('never goes back when the wall clock steps back an hour, runs at 90% until it has caught up, then follows the wall clock', () => {
    const fake = fakeSources();
    const clock = steadyClock(fake.sources);
    const start = clock().getTime();
    fake.advance(1000);
    const beforeStep = clock().getTime();
    expect(beforeStep - start).toBe(1000);
    fake.step(-HOUR);
    // The first reading after the step sees it; slewing starts from there.
    fake.advance(1000);
    expect(clock().getTime()).toBe(beforeStep + 1000);
    let previous = beforeStep + 1000;
    for (let minute = 1; minute <= 11 * 60; minute += 1) {
      fake.advance(60_000);
      const now = clock().getTime();
      expect(now - previous).toBeGreaterThanOrEqual(60_000 * (1 - SLEW) - 1);
      expect(now - previous).toBeLessThanOrEqual(60_000);
      previous = now;
    }
    // Ten hours at 0.9x absorbed the hour: back on the wall clock.
    expect(clock().getTime()).toBe(fake.sources.wallMs());
  });

  it('slews to a wall clock stepped forward an hour (at most 10% fast), and joins one more than a day ahead at once', () => {
    const fake = fakeSources();
    const clock = steadyClock(fake.sources);
    const start = clock().getTime();
    fake.step(HOUR);
    fake.advance(60_000);
    expect(clock().getTime() - start).toBe(60_000);
    fake.advance(60_000);
    expect(clock().getTime() - start).toBe(60_000 + 60_000 * (1 + SLEW));
    fake.advance(10 * HOUR);
    expect(clock().getTime()).toBe(fake.sources.wallMs());
    fake.step(JUMP_AHEAD_MS + HOUR);
    fake.advance(1);
    expect(clock().getTime()).toBe(fake.sources.wallMs());
  });
});

describe('the server across a wall-clock step', () => {
  let t: TestApp | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });

  async function start() {
    const fake = fakeSources();
    t = await createTestApp({ clock: steadyClock(fake.sources) });
    return { app: t, fake };
  }

  it('keeps received_at and intent ids in chain order when the clock steps back an hour', async () => {
    const { app, fake } = await start();
    const answers: DecisionJson[] = [];
    for (let n = 0; n < 10; n += 1) {
      if (n === 5) fake.step(-HOUR);
      fake.advance(10);
      const response = await app.decide({ source: 'support_tool', amount_cents: 1000 + n });
      expect(response.statusCode, response.body).toBe(200);
      answers.push(json<DecisionJson>(response));
    }
    const received = answers.map((answer) => Date.parse(answer.received_at));
    for (let i = 1; i < received.length; i += 1) expect(received[i]).toBeGreaterThanOrEqual(received[i - 1]!);
    const ids = answers.map((answer) => answer.intent_id);
    expect([...ids].sort()).toEqual(ids);
    // Each intent's chain position follows the order of the answers.
    const seqs: number[] = [];
    for (const id of ids) seqs.push((await app.app.store.ledger.byIntent(app.demo.id, id))[0]!.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(json<{ ok: boolean }>(await app.get('/api/audit/verify', app.demo.adminKey)).ok).toBe(true);
  });

  it('answers an idempotent retry with the same bytes after the clock steps back an hour', async () => {
    const { app, fake } = await start();
    const headers = { 'idempotency-key': 'refund-42' };
    const first = await app.decide({ source: 'support_tool', amount_cents: 4200 }, { headers });
    expect(first.statusCode).toBe(200);
    fake.step(-HOUR);
    fake.advance(60_000);
    const retry = await app.decide({ source: 'support_tool', amount_cents: 4200 }, { headers });
    expect(retry.statusCode).toBe(200);
    expect(retry.body).toBe(first.body);
    // A new request after the step is sealed after the first one, never before it.
    const next = json<DecisionJson>(await app.decide({ source: 'support_tool', amount_cents: 4300 }, { headers: { 'idempotency-key': 'refund-43' } }));
    expect(Date.parse(next.received_at)).toBeGreaterThanOrEqual(Date.parse(json<DecisionJson>(first).received_at));
  });

  it('does not end the idempotency window at once when the clock steps forward an hour', async () => {
    const { app, fake } = await start();
    const headers = { 'idempotency-key': 'refund-44' };
    const first = await app.decide({ source: 'support_tool', amount_cents: 4400 }, { headers });
    expect(first.statusCode).toBe(200);
    // 23 h 30 min later the clock steps an hour forward; a retry a minute after: 23 h 31 min of
    // real time, inside the 24-hour window. A raw wall clock would read 24 h 31 min and seal the
    // retry as a second decision; this clock has moved at most 6 s of the hour.
    fake.advance(23 * HOUR + 30 * 60_000);
    fake.step(HOUR);
    fake.advance(60_000);
    const retry = await app.decide({ source: 'support_tool', amount_cents: 4400 }, { headers });
    expect(retry.body).toBe(first.body);
    expect(await app.app.store.ledger.byIntent(app.demo.id, json<DecisionJson>(first).intent_id)).toHaveLength(1);
  });

  it('expires an approval request on time (within 10%), not an hour late, when the clock steps back an hour', async () => {
    const { app, fake } = await start();
    const set = await app.app.inject({ method: 'PUT', url: '/api/approvals/settings', headers: { authorization: `Bearer ${app.demo.adminKey}` }, payload: { approval_ttl_hours: 1 } });
    expect(set.statusCode, set.body).toBe(200);
    const id = await decideExpect(app, FM_REQUEST, 'pending_approval');
    fake.step(-HOUR);
    fake.advance(HOUR / 2);
    expect(await app.app.actions.expireDue()).toBe(0);
    expect((await intent(app, id)).status).toBe('pending_approval');
    // 1 h 7 min of real time: past the hour by more than 10%. A raw wall clock would read 7 min.
    fake.advance(HOUR / 2 + 7 * 60_000);
    expect(await app.app.actions.expireDue()).toBe(1);
    expect((await intent(app, id)).status).toBe('expired');
  });

  it('ends an idle dashboard session no earlier than 12 hours and no more than the step later', async () => {
    const { app, fake } = await start();
    const user = (await app.app.store.users.list(app.demo.id))[0]!;
    const { token } = await app.app.sessions.openSession(user, 'password');
    fake.step(-HOUR);
    fake.advance(11 * HOUR + 50 * 60_000);
    // Not ended early: 11 h 50 min of real idleness.
    await expect(app.app.sessions.authenticate(token, 'GET', undefined)).resolves.toMatchObject({ user: { id: user.id } });
    const second = await app.app.sessions.openSession(user, 'password');
    fake.advance(13 * HOUR + 1000);
    // 13 h later: 12 h idle plus the hour the clock stepped back, at most.
    await expect(app.app.sessions.authenticate(second.token, 'GET', undefined)).rejects.toMatchObject({ statusCode: 401 });
  });
});
