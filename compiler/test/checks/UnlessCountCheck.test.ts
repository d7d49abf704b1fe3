import { describe, expect, test } from 'vitest';
import { UnlessCountCheck } from '../../src/checks/UnlessCountCheck.js';
import { policy, runCheck, spanText } from '../helpers/policies.js';

describe('UnlessCountCheck (AX1016)', () => {
  test('an `unless` before and another after the requirement', () => {
    const text = policy('rule r:', '  refunds over $50 unless reason is duplicate_charge require support_lead unless source is automation');
    const [d, ...rest] = runCheck(UnlessCountCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1016');
    expect(d!.severity).toBe('error');
    expect(d!.message).toBe('a rule has at most one `unless`');
    expect(spanText(text, d!)).toBe('unless source is automation');
    expect(d!.related!.map((r) => text.slice(r.span.start, r.span.end))).toEqual(['unless reason is duplicate_charge']);
    expect(d!.help).toBe('join the exemptions with `or`: `unless reason is duplicate_charge or source is automation`');
  });

  test('three in a verb statement give two diagnostics', () => {
    const text = policy('rule r:', '  flag refunds unless reason is a unless reason is b unless reason is c');
    expect(runCheck(UnlessCountCheck, text).map((d) => spanText(text, d))).toEqual(['unless reason is b', 'unless reason is c']);
  });

  test.each([
    'flag refunds when reason is a unless source is automation',
    'refunds over $50 unless reason is duplicate_charge require support_lead',
    'refunds over $50 require support_lead unless reason is duplicate_charge',
    'flag refunds unless reason is a or reason is b',
  ])('one `unless` is fine: %s', (statement) => {
    expect(runCheck(UnlessCountCheck, policy('rule r:', `  ${statement}`))).toEqual([]);
  });
});
