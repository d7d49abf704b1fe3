import { describe, expect, test } from 'vitest';
import { UnknownSourceCheck } from '../../src/checks/UnknownSourceCheck.js';
import { applyFix, policy, runCheck, spanText, summarize } from '../helpers/policies.js';

describe('UnknownSourceCheck (AX1004)', () => {
  test('a misspelled default source, with a quick fix and the defaults in the help', () => {
    const text = policy('rule bots:', '  refunds from ai_agnt over $50 require support_lead');
    const [d, ...rest] = runCheck(UnknownSourceCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1004');
    expect(d!.severity).toBe('error');
    expect(d!.message).toBe('unknown source `ai_agnt` — did you mean `ai_agent`?');
    expect(spanText(text, d!)).toBe('ai_agnt');
    expect(d!.help).toBe(
      'the default sources are `support_tool`, `ai_agent`, `automation`, `stripe_direct`; declare others with `sources ...`',
    );
    expect(runCheck(UnknownSourceCheck, applyFix(text, d!.fixes![0]!))).toEqual([]);
  });

  test('declared sources replace the defaults', () => {
    const text = policy('sources web, phone', 'rule r:', '  flag refunds from automation');
    const [d] = runCheck(UnknownSourceCheck, text);
    expect(d!.message).toBe('unknown source `automation`');
    expect(d!.help).toBe('declared sources: `web`, `phone`');
  });

  test('`source is`, `source in [...]` and quoted symbols are checked', () => {
    const text = policy('rule r:', '  flag refunds when source is robot or source in [automation, "email"] or source not in [fax]');
    expect(summarize(text, runCheck(UnknownSourceCheck, text)).map((d) => d.text)).toEqual(['robot', '"email"', 'fax']);
  });

  test('known sources give nothing; other symbol fields are not sources', () => {
    const text = policy('sources web, automation', 'rule r:', '  flag refunds from web or automation when reason is robot and merchant is acct_9');
    expect(runCheck(UnknownSourceCheck, text)).toEqual([]);
  });
});
