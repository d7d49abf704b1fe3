import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import stripeStatefulMock from 'stripe-stateful-mock';

export interface StripeEmulator {
  readonly port: number;
  /** The real SDK, pointed at the emulator. */
  readonly stripe: Stripe;
  /** A card charge made with the `tok_visa` test token. */
  charge(amount: number, currency?: string): Promise<Stripe.Charge>;
  /** Every refund the emulator holds for a charge: what Stripe would have moved. */
  refundsOf(chargeId: string): Promise<Stripe.Refund[]>;
  close(): Promise<void>;
}

/**
 * stripe-stateful-mock (an independent Stripe API emulator) served in-process on a loopback
 * port. Its state is module-level, so each test file gets its own, and charges are never shared
 * between tests.
 */
export async function startStripeEmulator(): Promise<StripeEmulator> {
  const server: Server = createServer(stripeStatefulMock.createExpressApp());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stripe = new Stripe('sk_test_axiruclient', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
  return {
    port,
    stripe,
    charge: (amount, currency = 'usd') => stripe.charges.create({ amount, currency, source: 'tok_visa' }),
    refundsOf: async (chargeId) => {
      const refunds: Stripe.Refund[] = [];
      for await (const refund of stripe.refunds.list({ charge: chargeId, limit: 100 })) refunds.push(refund);
      return refunds;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
