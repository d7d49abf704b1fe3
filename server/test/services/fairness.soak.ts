// The real-time half of fair share on the sealing path (issue 19): one organisation floods the
// server at its full capacity (50 connections, as fast as it answers, rate limits lifted) while
// a second sends 20 decisions a second; the second's p99 stays under 50 ms and none of its
// requests is refused. It measures time, so it runs in `npm run test:soak` on a machine with
// cores to spare, never in the CI suite (test/services/fairness.test.ts asserts the same
// property by structure). The measurement is `npm run bench:fairness`'s.
import { describe, expect, it } from 'vitest';
// @ts-expect-error the benchmark is plain JavaScript, without declarations.
import { measureFairness } from '../../../bench/server/fairness.mjs';
import { assertBuilt } from '../support/serverProcess.js';

interface Figures {
  readonly quiet_p99_ms: number;
  readonly quiet_refused: number;
  readonly quiet_missing_from_ledger: number;
  readonly chains_verify: boolean;
  readonly flood_rps: number;
  readonly load_average: string;
}

describe('fair share under a flood, in real time', () => {
  it("keeps the quiet organisation's p99 under 50 ms and refuses none of its requests", async () => {
    assertBuilt();
    const figures = await (measureFairness as (options: object) => Promise<Figures>)({
      seconds: Number(process.env['AXIRU_FAIRNESS_SECONDS'] ?? 30),
    });
    console.log(`fairness soak: ${JSON.stringify(figures)}`);
    expect(figures.quiet_refused).toBe(0);
    expect(figures.quiet_missing_from_ledger).toBe(0);
    expect(figures.chains_verify).toBe(true);
    expect(figures.flood_rps).toBeGreaterThan(0);
    expect(figures.quiet_p99_ms).toBeLessThan(50);
  });
});
