import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Axiru, INTENT_METADATA_KEY } from '../src/index.js';
import { startAxiruServer, type AxiruServer } from './support/axiruServer.js';
import { startStripeEmulator, type StripeEmulator } from './support/stripeEmulator.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/refundThenDie.mjs', import.meta.url));

let axiruServer: AxiruServer;
let emulator: StripeEmulator;

beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)))) throw new Error('client/dist is missing: build first (npx tsc -b)');
  [axiruServer, emulator] = await Promise.all([startAxiruServer(), startStripeEmulator()]);
});

afterAll(async () => {
  await Promise.all([axiruServer?.stop(), emulator?.close()]);
});

it('a process killed between Stripe\'s answer and the report leaves one refund, which the retry reports', async () => {
  const charge = await emulator.charge(12000);
  const params = { charge: charge.id, amount: 11000, source: 'support_tool', customer_tenure_days: 400 };
  const child = spawn(process.execPath, [FIXTURE], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, AXIRU_URL: axiruServer.url, AXIRU_KEY: axiruServer.decisionKey, STRIPE_PORT: String(emulator.port),
      REFUND_PARAMS: JSON.stringify(params), IDEMPOTENCY_KEY: 'ticket-Z-crash',
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  expect(exit, output).toEqual({ code: null, signal: 'SIGKILL' });

  const made = await emulator.refundsOf(charge.id);
  expect(made).toHaveLength(1);
  const intentId = made[0]!.metadata?.[INTENT_METADATA_KEY];
  expect(typeof intentId).toBe('string');
  const axiru = new Axiru({ apiKey: axiruServer.decisionKey, baseUrl: axiruServer.url });
  expect((await axiru.getIntent(intentId!)).status).toBe('allowed');

  const retried = await axiru.guardedRefund(emulator.stripe, params, { idempotencyKey: 'ticket-Z-crash' });
  expect(retried.status).toBe('executed');
  if (retried.status !== 'executed') return;
  expect(retried.refund.id).toBe(made[0]!.id);
  expect(retried.intent.id).toBe(intentId);
  expect(await emulator.refundsOf(charge.id)).toHaveLength(1);
  const intent = await axiru.getIntent(intentId!);
  expect(intent.status).toBe('executed');
  expect(intent.events.filter((event) => event.kind === 'execution').map((event) => event.body['stripe_refund_id'])).toEqual([made[0]!.id]);
});
