import { describe, expect, test } from 'vitest';
import { TimeOfDayCheck } from '../../src/checks/TimeOfDayCheck.js';
import { policy, runCheck, summarize } from '../helpers/policies.js';

describe('TimeOfDayCheck (AX1029)', () => {
  test('times run from 00:00 to 23:59, two digits each', () => {
    const text = policy('rule r:', '  flag refunds when local time between 00:00 and 23:59 or local time at 24:00 or local time before 7:5 or local time after 25:00');
    expect(summarize(text, runCheck(TimeOfDayCheck, text)).map((d) => `${d.text} ${d.message}`)).toEqual([
      '24:00 `24:00` is not a time of day (00:00 to 23:59)',
      '7:5 `7:5` is not a time of day',
      '25:00 `25:00` is not a time of day (00:00 to 23:59)',
    ]);
  });

  test('midnight gets its own help', () => {
    const [d] = runCheck(TimeOfDayCheck, policy('rule r:', '  flag refunds when local time at 24:00'));
    expect(d!.help).toBe('midnight is `00:00`');
  });
});
