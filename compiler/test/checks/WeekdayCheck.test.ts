import { describe, expect, test } from 'vitest';
import { WeekdayCheck } from '../../src/checks/WeekdayCheck.js';
import { applyFix, policy, runCheck, summarize } from '../helpers/policies.js';

describe('WeekdayCheck (AX1030)', () => {
  test('a misspelled day, with a quick fix', () => {
    const text = policy('rule r:', '  flag refunds when weekday in [saturday, sundy]');
    const [d, ...rest] = runCheck(WeekdayCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1030');
    expect(d!.message).toBe('`sundy` is not a day of the week — did you mean `sunday`?');
    expect(runCheck(WeekdayCheck, applyFix(text, d!.fixes![0]!))).toEqual([]);
  });

  test('day names are lower case; other symbols are errors; other subjects are not checked', () => {
    const text = policy('rule r:', '  flag refunds when weekday is Monday or weekday is not holiday or reason is funday');
    expect(summarize(text, runCheck(WeekdayCheck, text)).map((d) => d.text)).toEqual(['Monday', 'holiday']);
  });
});
