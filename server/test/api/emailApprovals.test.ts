import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config.js';
import { DEMO_EMAIL } from '../../src/services/bootstrap.js';
import { ALLOW_REQUEST, addUser, decideExpect, FM_REQUEST, post } from '../support/people.js';
import { waitFor } from '../support/receiver.js';
import { startLocalSmtp, type LocalSmtp, type ReceivedMail } from '../support/smtpServer.js';
import { createTestApp, type TestApp } from '../support/testApp.js';

let smtp: LocalSmtp;
let t: TestApp;
beforeAll(async () => {
  smtp = await startLocalSmtp();
  t = await createTestApp({ email: { smtpUrl: smtp.url, from: 'Axiru <approvals@acme.test>', publicUrl: 'https://axiru.acme.test/' } });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

async function scrape(app: TestApp): Promise<string> {
  return (await app.app.inject({ method: 'GET', url: '/metrics' })).body;
}

describe('approval requests by email', () => {
  it('mails each person who can approve, one message each, with the reason and a link to the request', async () => {
    const manager = await addUser(t, ['finance_manager'], { name: 'Fin Manager' });
    const cfo = await addUser(t, ['cfo'], { name: 'Chief Finance' });
    const lead = await addUser(t, ['support_lead']);
    const gone = await addUser(t, ['finance_manager']);
    expect((await post(t, `/api/users/${gone.id}/disable`, t.demo.adminKey)).statusCode).toBe(200);

    await decideExpect(t, ALLOW_REQUEST, 'allow');
    const id = await decideExpect(t, { ...FM_REQUEST, customer_id: 'cus_mail', requested_by: lead.email }, 'pending_approval');
    await waitFor(() => smtp.received.length >= 3);
    await t.app.email!.idle();

    // The finance managers (the new one and the demo admin, who holds the role too) and the CFO
    // (senior to it); not the support lead, not the disabled user.
    expect(smtp.received.map((mail) => mail.to).sort()).toEqual([[cfo.email], [manager.email], [DEMO_EMAIL]].sort());
    for (const mail of smtp.received) {
      expect(mail.from).toBe('approvals@acme.test');
      expect(mail.raw).toContain('Subject: Refund of 220.00 USD needs your approval (finance_manager)');
      // Header names are case-insensitive (nodemailer writes X-Axiru-Intent-ID).
      expect(mail.raw).toMatch(new RegExp(`^x-axiru-intent-id: ${id}\r?$`, 'im'));
      expect(mail.raw).toContain('Reason:       Refunds over $150 require approval');
      expect(mail.raw).toContain('Rule:         high_value_refund_review');
      expect(mail.raw).toContain('Customer:     cus_mail');
      expect(mail.raw).toContain(`Requested by: ${lead.email}`);
      expect(mail.raw).toContain('Would execute: refund 220.00 USD on ch_fm');
      expect(mail.raw).toContain(`Approve or deny it here: https://axiru.acme.test/intents/${id}`);
      // Nobody sees the other approvers' addresses.
      for (const address of [cfo.email, manager.email, DEMO_EMAIL].filter((address) => address !== mail.to[0])) {
        expect(mail.raw).not.toContain(address);
      }
    }
    // The allowed refund sent nothing.
    expect(smtp.received).toHaveLength(3);
  });

  it('does not mail the requester, even when they could approve', async () => {
    const before = smtp.received.length;
    const requester = await addUser(t, ['cfo']);
    await decideExpect(t, { ...FM_REQUEST, customer_id: 'cus_self', requested_by: requester.email }, 'pending_approval');
    await waitFor(() => smtp.received.length > before);
    await t.app.email!.idle();
    const recipients = smtp.received.slice(before).flatMap((mail) => mail.to);
    expect(recipients.length).toBeGreaterThan(0);
    expect(recipients).not.toContain(requester.email);
  });

  it('tells the requester how the request ended: approved, denied or expired', async () => {
    const requester = await addUser(t, ['support_lead'], { name: 'Sam Support' });
    const approver = await addUser(t, ['finance_manager'], { name: 'Fiona Finance' });
    const toRequester = (): ReceivedMail[] => smtp.received.filter((mail) => mail.to[0] === requester.email);

    const approved = await decideExpect(t, { ...FM_REQUEST, customer_id: 'cus_r1', requested_by: requester.email }, 'pending_approval');
    expect((await post(t, `/api/intents/${approved}/approve`, approver.key)).statusCode).toBe(200);
    const denied = await decideExpect(t, { ...FM_REQUEST, customer_id: 'cus_r2', requested_by: requester.id }, 'pending_approval');
    expect((await post(t, `/api/intents/${denied}/deny`, approver.key, { comment: 'duplicate of an earlier refund' })).statusCode).toBe(200);
    const expired = await decideExpect(t, { ...FM_REQUEST, customer_id: 'cus_r3', requested_by: requester.email }, 'pending_approval');
    // A request made by something that is not a user (an agent's name) tells nobody when it ends.
    const fromAgent = await decideExpect(t, { ...FM_REQUEST, customer_id: 'cus_r4', requested_by: 'refund_bot' }, 'pending_approval');
    t.now = new Date(t.now.getTime() + 73 * 3_600_000);
    await t.app.actions.expireDue();
    await waitFor(() => toRequester().length >= 3);
    await t.app.email!.idle();

    const mails = toRequester();
    expect(mails).toHaveLength(3);
    const about = (id: string): string => mails.find((mail) => new RegExp(`^x-axiru-intent-id: ${id}\\r?$`, 'im').test(mail.raw))!.raw;
    expect(about(approved)).toContain('Subject: Refund of 220.00 USD approved');
    expect(about(approved)).toContain('Decided by Fiona Finance (finance_manager).');
    expect(about(approved)).toContain('The refund may now be executed.');
    expect(about(denied)).toContain('Subject: Refund of 220.00 USD denied');
    expect(about(denied)).toContain('Decided by Fiona Finance (finance_manager): "duplicate of an earlier refund"');
    expect(about(denied)).toContain('The refund must not be executed.');
    expect(about(expired)).toContain('Subject: Refund of 220.00 USD expired');
    expect(about(expired)).toContain('Nobody decided before the request timed out.');
    expect(about(expired)).toContain(`Details: https://axiru.acme.test/intents/${expired}`);
    expect(smtp.received.some((mail) => mail.raw.includes(fromAgent) && /Subject: Refund of 220\.00 USD expired/.test(mail.raw))).toBe(false);
  });

  it('counts what was sent, and still decides when the mail server is down', async () => {
    const sent = await scrape(t);
    expect(sent).toMatch(/^axiru_notifications_total\{channel="email",result="sent"\} [1-9]\d*$/m);
    expect(sent).not.toContain('channel="email",result="failed"');

    const down = await startLocalSmtp();
    await down.close();
    const other = await createTestApp({ email: { smtpUrl: down.url, from: 'axiru@acme.test' } });
    try {
      await addUser(other, ['finance_manager']);
      await decideExpect(other, FM_REQUEST, 'pending_approval');
      // Two approvers (the new finance manager and the demo admin): two failed messages.
      await waitFor(async () => /result="failed"\} 2$/m.test(await scrape(other)));
      await other.app.email!.idle();
      expect(await scrape(other)).not.toContain('channel="email",result="sent"');
    } finally {
      await other.close();
    }
  });
});

describe('email settings', () => {
  it('turns email on with AXIRU_SMTP_URL and names the setting at fault', () => {
    expect(resolveConfig({}, {}).email).toBeUndefined();
    expect(resolveConfig({}, { AXIRU_SMTP_URL: 'smtp://u:p@mail.example.com:587' }).email)
      .toEqual({ smtpUrl: 'smtp://u:p@mail.example.com:587', from: 'Axiru <axiru@localhost>', publicUrl: undefined });
    expect(resolveConfig({}, { AXIRU_SMTP_URL: 'smtps://mail.example.com', AXIRU_EMAIL_FROM: 'Refunds <r@x.test>', AXIRU_PUBLIC_URL: 'https://axiru.x.test' }).email)
      .toEqual({ smtpUrl: 'smtps://mail.example.com', from: 'Refunds <r@x.test>', publicUrl: 'https://axiru.x.test' });
    const message = (env: Record<string, string>): string => {
      try {
        resolveConfig({}, env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(message({ AXIRU_SMTP_URL: 'http://mail.example.com' })).toContain('AXIRU_SMTP_URL must start with smtp:// or smtps://');
    expect(message({ AXIRU_SMTP_URL: 'not a url' })).toContain('AXIRU_SMTP_URL must be a URL');
    expect(message({ AXIRU_SMTP_URL: 'smtp://secret-user:secret-pass@' })).not.toContain('secret-pass');
    expect(message({ AXIRU_PUBLIC_URL: 'axiru.example.com' })).toContain('AXIRU_PUBLIC_URL');
  });
});
