// The emulator ships JavaScript only.
declare module 'stripe-stateful-mock' {
  import type { RequestListener } from 'node:http';
  const stripeStatefulMock: { createExpressApp(): RequestListener };
  export default stripeStatefulMock;
}
