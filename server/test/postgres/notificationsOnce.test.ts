// Slack and email approval notifications with three servers on one PostgreSQL database (three
// apps in this process, each with its own pool, notifiers and pollers): every request and every
// resolution is posted to Slack (the real @slack/web-api client, against a local Slack-shaped
// server) and mailed (a local SMTP server) once, whichever server the request and the clicks
// reached, never once per server.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, decideExpect, FM_REQUEST, post, type TestUser } from '../support/people.js';
import { startReceiver, waitFor, type Receiver } from '../support/receiver.js';
import { startLocalSmtp, type LocalSmtp } from '../support/smtpServer.js';
import { createTestApp, type TestApp } from '../support/testApp.js';

let slackApi: Receiver;
let smtp: LocalSmtp;
let servers: TestApp[] = [];
let approver: TestUser;
let requester: TestUser;
let counter = 0;

beforeAll(async () => {
  slackApi = await startReceiver((request) => {
    if (request.url === '/api/chat.postMessage') {
      counter += 1;
      return { status: 200, body: JSON.stringify({ ok: true, channel: 'C0APPROVALS', ts: `1700000000.${String(counter).padStart(6, '0')}` }) };
    }
    if (request.url === '/api/chat.update') return { status: 200, body: JSON.stringify({ ok: true }) };
    return { status: 200, body: JSON.stringify({ ok: false, error: 'unknown_method' }) };
  });
  smtp = await startLocalSmtp();
  const options = {
    slackApiUrl: `${slackApi.url}/api/`,
    email: { smtpUrl: smtp.url, from: 'Axiru <approvals@acme.test>', publicUrl: 'https://axiru.acme.test/' },
  };
  const first = await createTestApp(options);
  // The others open the first one's database (the test database of its data folder).
  servers = [first, await createTestApp({ ...options, dataDir: first.dataDir, reopen: first.demo }),
    await createTestApp({ ...options, dataDir: first.dataDir, reopen: first.demo })];
  const settings = await servers[1]!.app.inject({
    method: 'PUT', url: '/api/slack/settings', headers: { authorization: `Bearer ${first.demo.adminKey}` },
    payload: { bot_token: 'xoxb-test-token', channel: 'C0APPROVALS', signing_secret: 'slack-signing-secret-1' },
  });
  expect(settings.statusCode, settings.body).toBe(200);
  approver = await addUser(servers[2]!, ['cfo'], { name: 'Only Approver' });
  requester = await addUser(servers[0]!, ['support_lead'], { name: 'Requester' });
});

afterAll(async () => {
  // The first app owns the data folder: it closes last.
  for (const server of [...servers].reverse()) await server.close();
  await slackApi.close();
  await smtp.close();
});

async function idle(): Promise<void> {
  for (const server of servers) {
    await server.app.slack.idle();
    await server.app.email?.idle();
  }
}

describe('approval notifications with three servers on one database', () => {
  it('posts and mails each request once, and updates and mails each resolution once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      ids.push(await decideExpect(servers[i % 3]!, { ...FM_REQUEST, customer_id: `cus_once_${i}`, requested_by: requester.email }, 'pending_approval'));
    }
    // Resolved on another server than the one that took the request.
    for (let i = 0; i < 6; i += 1) {
      const action = i % 2 === 0 ? 'approve' : 'deny';
      const answer = await post(servers[(i + 1) % 3]!, `/api/intents/${ids[i]}/${action}`, approver.key, { comment: 'checked' });
      expect(answer.statusCode, answer.body).toBe(200);
    }
    const posted = (id: string) => slackApi.received.filter((r) => r.url === '/api/chat.postMessage' && r.body.includes(id)).length;
    const updated = (id: string) => slackApi.received.filter((r) => r.url === '/api/chat.update' && r.body.includes(id)).length;
    const mailed = (id: string, to: string) => smtp.received.filter((mail) => mail.raw.includes(id) && mail.to.includes(to)).length;
    await waitFor(() => ids.every((id) => posted(id) >= 1 && updated(id) >= 1 && mailed(id, requester.email) >= 1));
    await idle();
    for (const id of ids) {
      expect(posted(id)).toBe(1);
      expect(updated(id)).toBe(1);
      // The approval request to the approver, then the outcome to the requester: once each.
      expect(mailed(id, approver.email)).toBe(1);
      expect(mailed(id, requester.email)).toBe(1);
    }
    // Across the three servers' counters, exactly the messages that went out.
    let sentSlack = 0;
    for (const server of servers) {
      const text = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
      const line = text.split('\n').find((candidate) => candidate.startsWith('axiru_notifications_total{channel="slack",result="sent"}'));
      sentSlack += line ? Number(line.split(' ').at(-1)) : 0;
    }
    expect(sentSlack).toBe(slackApi.received.length);
  });
});
