import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { PolicyIR } from '@axiru/runtime';
import { analyzeRulesReport } from '../../src/analysis/index.js';
import { DEFAULT_LIMITS } from '../../src/analysis/Region.js';
import { shadowMemo } from '../../src/analysis/ShadowMemo.js';
import { editedPolicyPair, swappedPolicyPair } from './arbitraries.js';
import { over, policy, rule, upTo, usd, verdict } from './irBuilders.js';

// Explicit limits turn the memo off (analyzeRules.ts), so this is the analysis from scratch.
const fresh = (ir: PolicyIR) => analyzeRulesReport(ir, { limits: DEFAULT_LIMITS });
const kept = (ir: PolicyIR) => analyzeRulesReport(ir);

/** The same rules in reverse file order: the same ranks among equal outcomes change, `by` order too. */
const reversed = (ir: PolicyIR): PolicyIR => ({ ...ir, rules: [...ir.rules].reverse() });

describe('shadowing answers kept from one analysis to the next', () => {
  test('a policy analysed after an edit has exactly the findings of an analysis from scratch', () => {
    const hitsBefore = shadowMemo.hits;
    fc.assert(
      fc.property(fc.oneof(editedPolicyPair, swappedPolicyPair), ([before, after]) => {
        // Each version twice (the second run answers from the memo), then its reverse order.
        for (const ir of [before, after, before, reversed(after), after]) {
          expect(kept(ir)).toEqual(fresh(ir));
          expect(kept(ir)).toEqual(fresh(ir));
        }
      }),
      { numRuns: 150, seed: 17 },
    );
    // The comparison means something only if the memo answered questions.
    expect(shadowMemo.hits).toBeGreaterThan(hitsBefore);
  });

  test('renaming a rule that shadows another renames it in the kept answer', () => {
    fc.assert(
      fc.property(editedPolicyPair, ([ir]) => {
        kept(ir);
        const renamed: PolicyIR = { ...ir, rules: ir.rules.map((rule) => ({ ...rule, id: `${rule.id}_renamed` })) };
        expect(kept(renamed)).toEqual(fresh(renamed));
      }),
      { numRuns: 100, seed: 18 },
    );
  });

  test('the same rules in another file order keep their order of strength, and `by` follows the file', () => {
    const low = rule('low', 'flag', upTo(usd(100)));
    const high = rule('high', 'block', over(usd(100)));
    const rest = rule('rest', 'allow', over(usd(0)));
    const first = policy({ rules: [low, high, rest], otherwise: verdict('block') });
    const moved = policy({ rules: [rest, high, low], otherwise: verdict('block') });
    expect(kept(first).findings).toEqual([{ kind: 'shadowed', rule: 'rest', by: ['low', 'high'] }]);
    // Block beats flag in either order, so this question's key is the same: the kept answer is
    // reused and must be put in the new file order.
    expect(kept(moved).findings).toEqual([{ kind: 'shadowed', rule: 'rest', by: ['high', 'low'] }]);
    expect(kept(moved)).toEqual(fresh(moved));
  });
});
