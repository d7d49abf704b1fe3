import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { PolicyIR } from '@axiru/runtime';
import { analyzeRulesReport } from '../../src/analysis/index.js';
import { Space } from '../../src/analysis/Dimension.js';
import { DEFAULT_LIMITS, RegionAlgebra } from '../../src/analysis/Region.js';
import { truthOf } from '../../src/analysis/regionOf.js';
import { smallPolicy } from './arbitraries.js';
import { amount, and, chargeAmount, from, ratio } from './irBuilders.js';

// Explicit limits turn the memos off (analyzeRules.ts), so this is the analysis from scratch.
const fresh = (ir: PolicyIR) => analyzeRulesReport(ir, { limits: DEFAULT_LIMITS });
const kept = (ir: PolicyIR) => analyzeRulesReport(ir);

describe("rules' regions kept from one analysis to the next", () => {
  test('policies analysed one after another, sharing conditions, have the findings of analyses from scratch', () => {
    // Each policy's rules are given the conditions of the policy before it as well, so regions
    // are taken from spaces with other dimensions (ratios, lists, metadata keys) than the new one.
    fc.assert(
      fc.property(fc.array(smallPolicy, { minLength: 2, maxLength: 4 }), (policies) => {
        let previous: PolicyIR | null = null;
        for (const ir of policies) {
          const mixed: PolicyIR = previous === null ? ir : { ...ir, rules: [...ir.rules, ...previous.rules.map((r) => ({ ...r, id: `${r.id}_before` }))] };
          expect(kept(mixed)).toEqual(fresh(mixed));
          expect(kept(ir)).toEqual(fresh(ir));
          previous = ir;
        }
      }),
      { numRuns: 150, seed: 23 },
    );
  });

  test('a space that adopts a recorded region has the dimensions computing it would have added', () => {
    const condition = and(from('ai_agent'), ratio(amount, 'gt', 50, chargeAmount));
    const recordedIn = new Space({ sources: ['ai_agent', 'support_tool'] });
    // Asked for before the recording (the ratio and both its money fields): still recorded,
    // since a fresh space would add them.
    truthOf(condition, new RegionAlgebra(recordedIn));
    const { dimensions } = recordedIn.recording(() => truthOf(condition, new RegionAlgebra(recordedIn)));
    const computed = new Space({ sources: ['ai_agent', 'support_tool'] });
    truthOf(condition, new RegionAlgebra(computed));
    const adopted = new Space({ sources: ['ai_agent', 'support_tool'] });
    adopted.adopt(dimensions);
    expect(adopted.all()).toEqual(computed.all());
    expect(adopted.hasRatios()).toBe(true);
  });
});
