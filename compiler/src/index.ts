// @axiru/compiler: the policy language (language.ts, also importable alone as
// `@axiru/compiler/language`, e.g. in a browser) and refund history: reading Stripe exports and
// replaying them through policies (history/, Node only).
export * from './language.js';
export * from './history/index.js';
