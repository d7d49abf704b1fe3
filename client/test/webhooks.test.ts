import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Axiru, AxiruSignatureError, constructWebhookEvent, verifyWebhook } from '../src/index.js';
import { startAxiruServer, type AxiruServer } from './support/axiruServer.js';

interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

let axiruServer: AxiruServer;
let receiver: Server;
let receiverUrl: string;
const deliveries: Delivery[] = [];
const waiting: Array<(delivery: Delivery) => void> = [];

beforeAll(async () => {
  axiruServer = await startAxiruServer();
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const delivery = { headers: request.headers, body: Buffer.concat(chunks) };
      deliveries.push(delivery);
      waiting.shift()?.(delivery);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/axiru`;
});

afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  await axiruServer?.stop();
});

function nextDelivery(): Promise<Delivery> {
  return new Promise((resolve) => waiting.push(resolve));
}

describe('verifying Axiru\'s own webhooks', () => {
  it('accepts a real delivery from the server and rejects any change to it', async () => {
    const { secret } = await axiruServer.admin<{ secret: string }>('POST', '/api/webhooks', { url: receiverUrl, events: ['intent.pending_approval'] });
    const axiru = new Axiru({ apiKey: axiruServer.decisionKey, baseUrl: axiruServer.url });
    const arrived = nextDelivery();
    const decided = await axiru.decide({ source: 'support_tool', amount_cents: 22000, customer_tenure_days: 400 });
    const delivery = await arrived;
    const header = delivery.headers['axiru-signature'] as string;

    expect(axiru.verifyWebhook(delivery.body, header, secret)).toBe(true);
    const event = axiru.constructWebhookEvent(delivery.body.toString('utf8'), header, secret);
    expect(event.type).toBe('intent.pending_approval');
    expect(event.data.intent_id).toBe(decided.intent_id);

    const tampered = delivery.body.toString('utf8').replace('22000', '2200');
    expect(tampered).not.toBe(delivery.body.toString('utf8'));
    expect(verifyWebhook(tampered, header, secret)).toBe(false);
    expect(verifyWebhook(delivery.body, header, `${secret}x`)).toBe(false);
    expect(verifyWebhook(delivery.body, undefined, secret)).toBe(false);
    expect(verifyWebhook(delivery.body, 'v1=abc', secret)).toBe(false);
    expect(() => constructWebhookEvent(tampered, header, secret)).toThrow(AxiruSignatureError);

    // A delivery captured and replayed later is refused once outside the tolerance.
    const signedAt = Number(/t=(\d+)/.exec(header)?.[1]);
    expect(verifyWebhook(delivery.body, header, secret, { nowSeconds: signedAt + 299 })).toBe(true);
    expect(verifyWebhook(delivery.body, header, secret, { nowSeconds: signedAt + 301 })).toBe(false);
    expect(verifyWebhook(delivery.body, header, secret, { nowSeconds: signedAt + 301, toleranceSeconds: 600 })).toBe(true);
  });

  it('accepts any of several v1 signatures, as during a secret rotation', () => {
    const body = JSON.stringify({ id: 'evt_1', type: 'intent.approved', created: '2026-05-01T00:00:00Z', data: { intent_id: 'i1' } });
    const t = 1_777_000_000;
    const sign = (secret: string) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    const header = `t=${t},v1=${sign('whsec_old')},v1=${sign('whsec_new')}`;
    expect(verifyWebhook(body, header, 'whsec_new', { nowSeconds: t })).toBe(true);
    expect(verifyWebhook(body, header, 'whsec_old', { nowSeconds: t })).toBe(true);
    expect(verifyWebhook(body, header, 'whsec_other', { nowSeconds: t })).toBe(false);
  });
});
