import type { Agent } from 'node:http';
import { UNLIMITED_RATE_LIMITS_JSON } from '../../support/serverProcess.js';
import { send } from './rawHttp.js';

/** Server-wide limits high enough that the fuzz campaign is never throttled by default. */
export const FUZZ_LIMITS_ENV: Readonly<Record<string, string>> = { AXIRU_RATE_LIMITS: UNLIMITED_RATE_LIMITS_JSON };

/**
 * Puts the organisation back on the server defaults (a fuzzed PUT /api/org/limits may have
 * lowered them), waiting out a 429 as its Retry-After says.
 */
export async function generousLimits(base: string, adminKey: string, agent?: Agent): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const response = await send(base, {
      method: 'DELETE', url: '/api/org/limits', headers: { authorization: `Bearer ${adminKey}` }, body: null,
    }, agent);
    if (response.status === 200) return;
    if (response.status !== 429) throw new Error(`DELETE /api/org/limits answered ${response.status}: ${response.body}`);
    await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers['retry-after'] ?? 1)));
  }
  throw new Error('DELETE /api/org/limits stayed rate limited');
}
