import { describe, expect, test } from 'vitest';
import { TimezoneCheck } from '../../src/checks/TimezoneCheck.js';
import { applyFix, policy, runCheck, spanText } from '../helpers/policies.js';

describe('TimezoneCheck (AX1028)', () => {
  test('a misspelled zone, with a quick fix', () => {
    const text = policy('timezone "Europe/Berln"');
    const [d, ...rest] = runCheck(TimezoneCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1028');
    expect(d!.message).toBe('unknown time zone `Europe/Berln` — did you mean `Europe/Berlin`?');
    expect(spanText(text, d!)).toBe('"Europe/Berln"');
    expect(runCheck(TimezoneCheck, applyFix(text, d!.fixes![0]!))).toEqual([]);
  });

  test('known zones and UTC pass; an empty name does not', () => {
    expect(runCheck(TimezoneCheck, policy('timezone "America/New_York"'))).toEqual([]);
    expect(runCheck(TimezoneCheck, policy('timezone "UTC"'))).toEqual([]);
    expect(runCheck(TimezoneCheck, policy('timezone ""')).map((d) => d.code)).toEqual(['AX1028']);
  });
});
