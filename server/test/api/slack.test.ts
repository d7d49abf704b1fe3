import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slackSignature } from '../../src/services/slack.js';
import { FM_REQUEST, addUser, decideExpect, intent, post, type TestUser } from '../support/people.js';
import { startReceiver, waitFor, type Receiver } from '../support/receiver.js';
import { createTestApp, json, type ErrorJson, type TestApp, type TestOrg } from '../support/testApp.js';

const SIGNING_SECRET = 'slack-signing-secret-1';
const TOKEN = 'xoxb-test-token';

let t: TestApp;
let other: TestOrg;
let slackApi: Receiver;
let fm: TestUser;
let lead: TestUser;
let unlinked: TestUser;
let counter = 0;

beforeAll(async () => {
  // Stands in for Slack's Web API: every chat.postMessage gets a new ts.
  slackApi = await startReceiver((request) => {
    if (request.url === '/api/chat.postMessage') {
      counter += 1;
      return { status: 200, body: JSON.stringify({ ok: true, channel: 'C0APPROVALS', ts: `1700000000.${String(counter).padStart(6, '0')}` }) };
    }
    if (request.url === '/api/chat.update') return { status: 200, body: JSON.stringify({ ok: true }) };
    return { status: 200, body: JSON.stringify({ ok: false, error: 'unknown_method' }) };
  });
  t = await createTestApp({ slackApiUrl: `${slackApi.url}/api/`, webhookPollMs: 0 });
  other = await t.addOrg('Other org');
  const settings = await t.app.inject({
    method: 'PUT', url: '/api/slack/settings', headers: { authorization: `Bearer ${t.demo.adminKey}` },
    payload: { bot_token: TOKEN, channel: 'C0APPROVALS', signing_secret: SIGNING_SECRET },
  });
  expect(settings.statusCode, settings.body).toBe(200);
  fm = await addUser(t, ['finance_manager'], { slackUserId: 'U_FM', name: 'Fiona' });
  lead = await addUser(t, ['support_lead'], { slackUserId: 'U_LEAD' });
  unlinked = await addUser(t, ['cfo']);
});
afterAll(async () => {
  await t.close();
  await slackApi.close();
});
beforeEach(() => {
  slackApi.received.length = 0;
});

function form(body: string): URLSearchParams {
  return new URLSearchParams(body);
}

function interaction(intentId: string, slackUser: string, action: 'approve' | 'deny' = 'approve'): string {
  const payload = { type: 'block_actions', user: { id: slackUser }, actions: [{ action_id: action, value: intentId }] };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function send(body: string, headers: Record<string, string>) {
  return t.app.inject({
    method: 'POST', url: '/api/slack/interactions',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: body,
  });
}

function signed(body: string, { secret = SIGNING_SECRET, ageSeconds = 0 } = {}) {
  const timestamp = String(Math.floor(t.now.getTime() / 1000) - ageSeconds);
  return send(body, { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(secret, timestamp, body) });
}

async function pendingWithMessage(body: Record<string, unknown> = FM_REQUEST): Promise<string> {
  const id = await decideExpect(t, body, 'pending_approval');
  await waitFor(() => slackApi.received.some((r) => r.url === '/api/chat.postMessage' && r.body.includes(id)));
  await t.app.slack.idle();
  return id;
}

describe('Slack approval messages', () => {
  it('posts a Block Kit message with the context and Approve/Deny buttons, and updates it with who decided', async () => {
    const id = await pendingWithMessage({ ...FM_REQUEST, customer_id: 'cus_slack', requested_by: 'support_bot' });
    const postMessage = slackApi.received.find((r) => r.url === '/api/chat.postMessage')!;
    expect(postMessage.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const fields = form(postMessage.body);
    expect(fields.get('channel')).toBe('C0APPROVALS');
    const blocks = JSON.stringify(JSON.parse(fields.get('blocks')!));
    for (const expected of ['220.00 USD', 'cus_slack', 'support_tool', 'high_value_refund_review', 'Refunds over $150 require approval', 'support_bot', 'ch_fm', '"action_id":"approve"', '"action_id":"deny"']) {
      expect(blocks).toContain(expected);
    }

    const response = await signed(interaction(id, 'U_FM'));
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ status: string }>(response).status).toBe('approved');
    expect((await intent(t, id)).events.find((e) => e.kind === 'approval')?.body).toMatchObject({ user_id: fm.id, channel: 'slack', role: 'finance_manager' });

    await waitFor(() => slackApi.received.some((r) => r.url === '/api/chat.update'));
    await t.app.slack.idle();
    const update = form(slackApi.received.find((r) => r.url === '/api/chat.update')!.body);
    expect(update.get('channel')).toBe('C0APPROVALS');
    expect(update.get('ts')).toMatch(/^1700000000\.\d{6}$/);
    expect(update.get('blocks')).toContain('Approved* by Fiona (finance_manager)');
    // The post and the update, as /metrics counts them.
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^axiru_notifications_total\{channel="slack",result="sent"\} ([2-9]|\d{2,})$/m);
  });
});

describe('Slack interactions', () => {
  it('signature matrix: valid, flipped bit, wrong secret, stale timestamp, missing header', async () => {
    const id = await pendingWithMessage();
    const body = interaction(id, 'U_LEAD', 'deny');
    const timestamp = String(Math.floor(t.now.getTime() / 1000));
    const good = slackSignature(SIGNING_SECRET, timestamp, body);

    const flippedBody = body.replace('deny', 'denx');
    const flipped = await send(flippedBody, { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': good });
    expect(flipped.statusCode).toBe(401);
    expect(json<ErrorJson>(flipped).error.code).toBe('invalid_signature');
    const lastHex = good.slice(-1) === '0' ? '1' : '0';
    expect((await send(body, { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': good.slice(0, -1) + lastHex })).statusCode).toBe(401);
    expect((await signed(body, { secret: 'another-secret' })).statusCode).toBe(401);
    expect((await signed(body, { ageSeconds: 301 })).statusCode).toBe(401);
    expect((await send(body, { 'x-slack-request-timestamp': timestamp })).statusCode).toBe(401);
    expect((await send(body, { 'x-slack-signature': good })).statusCode).toBe(401);
    expect((await intent(t, id)).status).toBe('pending_approval');

    // support_lead is too junior for this request: signed correctly, refused by the rules.
    const valid = await signed(body);
    expect(valid.statusCode).toBe(200);
    expect(json<{ error: { code: string; message: string } }>(valid).error).toMatchObject({
      code: 'role_insufficient', message: 'Your roles (support_lead) cannot deny a request that requires finance_manager.',
    });
    const denied = await signed(interaction(id, 'U_FM', 'deny'));
    expect(json<{ status: string }>(denied).status).toBe('denied');
  });

  it('applies the same rules as the API: the requester cannot approve, nor approve twice, nor an unknown Slack user', async () => {
    const own = await pendingWithMessage({ ...FM_REQUEST, requested_by: fm.id });
    const self = await signed(interaction(own, 'U_FM'));
    expect(json<{ error: { code: string } }>(self).error.code).toBe('self_approval');
    expect((await intent(t, own)).status).toBe('pending_approval');

    const unknown = await signed(interaction(own, 'U_NOBODY'));
    expect(json<{ error: { code: string } }>(unknown).error.code).toBe('unknown_slack_user');
    expect(unlinked.id).toMatch(/^usr_/);

    const cfoA = await addUser(t, ['cfo'], { slackUserId: 'U_CFO_A' });
    await addUser(t, ['cfo'], { slackUserId: 'U_CFO_B' });
    const two = await pendingWithMessage({ ...FM_REQUEST, amount_cents: 300000 });
    expect(json<{ status: string }>(await signed(interaction(two, 'U_CFO_A'))).status).toBe('pending_approval');
    expect(json<{ error: { code: string } }>(await signed(interaction(two, 'U_CFO_A'))).error.code).toBe('already_approved');
    // The same person through the API is the same identity.
    expect(json<ErrorJson>(await post(t, `/api/intents/${two}/approve`, cfoA.key)).error.code).toBe('already_approved');
    expect(json<{ status: string }>(await signed(interaction(two, 'U_CFO_B'))).status).toBe('approved');
  });

  it('another organisation\'s intent does not exist through Slack either', async () => {
    const foreign = await decideExpect(t, FM_REQUEST, 'pending_approval', other.decisionKey);
    const response = await signed(interaction(foreign, 'U_FM'));
    expect(json<{ error: { code: string } }>(response).error.code).toBe('not_found');
    expect((await t.get('/api/slack/settings', t.demo.adminKey)).body).not.toContain(TOKEN);
    expect((await t.get('/api/slack/settings', fm.key)).statusCode).toBe(403);
  });
});

describe('Slack message updates', () => {
  it('an expired request\'s message says so', async () => {
    const id = await pendingWithMessage();
    t.now = new Date(t.now.getTime() + 73 * 3_600_000);
    expect(await t.app.actions.expireDue()).toBeGreaterThanOrEqual(1);
    await waitFor(() => slackApi.received.some((r) => r.url === '/api/chat.update' && r.body.includes(id)));
    await t.app.slack.idle();
    const update = form(slackApi.received.find((r) => r.url === '/api/chat.update' && r.body.includes(id))!.body);
    expect(update.get('blocks')).toContain('Expired* by nobody (the request timed out)');
  });
});
