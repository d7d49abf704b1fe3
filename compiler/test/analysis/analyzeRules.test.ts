import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { loadPolicy, type PolicyIR } from '@axiru/runtime';
import { analyzeRules, analyzeRulesReport, type RuleFinding } from '../../src/analysis/index.js';
import {
  and,
  atLeast,
  or,
  cmp,
  currency,
  days,
  eur,
  from,
  isIn,
  not,
  over,
  policy,
  reason,
  require_,
  rule,
  sym,
  tenure,
  under,
  usd,
  verdict,
} from './irBuilders.js';

function acme(): PolicyIR {
  return JSON.parse(readFileSync(new URL('../../../runtime/test/fixtures/acme.ir.json', import.meta.url), 'utf8')) as PolicyIR;
}

const kinds = (findings: readonly RuleFinding[]): string[] => findings.map((f) => `${f.kind}:${'rule' in f ? f.rule : f.currencies.join(',')}`);

describe('vacuous rules', () => {
  test('a contradictory condition, an integer gap and a currency clash are all vacuous', () => {
    const ir = policy({
      rules: [
        rule('impossible', 'block', and(over(usd(500)), under(usd(100)))),
        rule('one_cent_gap', 'flag', and(over(usd(100)), under(usd(100.01)))),
        rule('clash', 'block', and(cmp(currency, 'eq', sym('EUR')), over(usd(100)))),
        rule('fine', 'block', over(usd(1000))),
      ],
      otherwise: verdict('pending_approval'),
    });
    expect(analyzeRules(ir)).toEqual([
      { kind: 'vacuous', rule: 'impossible' },
      { kind: 'vacuous', rule: 'one_cent_gap' },
      { kind: 'vacuous', rule: 'clash' },
    ]);
  });

  test('fractional tenure keeps a narrow duration window alive', () => {
    const ir = policy({ rules: [rule('narrow', 'flag', and(over({ type: 'duration', hours: 36 }, tenure), under(days(2), tenure)))] });
    expect(analyzeRules(ir)).toEqual([]);
  });
});

describe('shadowed rules', () => {
  test('a weaker rule inside a stronger one never decides', () => {
    const ir = policy({
      rules: [rule('big_flag', 'flag', over(usd(600))), rule('block_big', 'block', over(usd(500)))],
      otherwise: verdict('pending_approval'),
    });
    expect(analyzeRules(ir)).toEqual([{ kind: 'shadowed', rule: 'big_flag', by: ['block_big'] }]);
  });

  test('two stronger rules may be needed together; `by` names both and no extra', () => {
    const ir = policy({
      rules: [
        rule('young', 'block', and(over(usd(500)), under(days(30), tenure))),
        rule('old', 'block', and(over(usd(500)), atLeast(days(30), tenure))),
        rule('huge', 'block', over(usd(5000))),
        rule('big_known_tenure', 'flag', and(over(usd(600)), atLeast(days(0), tenure))),
      ],
      otherwise: verdict('pending_approval'),
    });
    expect(analyzeRules(ir)).toEqual([{ kind: 'shadowed', rule: 'big_known_tenure', by: ['young', 'old'] }]);
  });

  test('a missing field breaks the cover: stronger rules that need tenure do not shadow one that does not', () => {
    const ir = policy({
      rules: [
        rule('young', 'block', and(over(usd(500)), under(days(30), tenure))),
        rule('old', 'block', and(over(usd(500)), atLeast(days(30), tenure))),
        rule('big', 'flag', over(usd(600))),
      ],
      otherwise: verdict('pending_approval'),
    });
    expect(analyzeRules(ir)).toEqual([]);
    // The runtime agrees: without tenure, `big` decides.
    expect(loadPolicy(ir).decide({ amount_cents: 70000 }).matched_rule).toBe('big');
  });

  test('same outcome: the earlier rule wins, so only the later duplicate is shadowed', () => {
    const ir = policy({
      rules: [rule('first', 'allow', under(usd(100))), rule('second', 'allow', under(usd(50)))],
      otherwise: verdict('block'),
    });
    expect(analyzeRules(ir)).toEqual([{ kind: 'shadowed', rule: 'second', by: ['first'] }]);
  });

  test('approvals: fewer satisfying roles beats more, whatever the file order', () => {
    const ir = policy({
      rules: [
        require_('finance', over(usd(150)), 'finance_manager'),
        require_('cfo_for_all', over(usd(100)), 'cfo'),
        require_('lead', over(usd(200)), 'support_lead'),
      ],
      otherwise: verdict('flag'),
    });
    expect(analyzeRules(ir)).toEqual([
      { kind: 'shadowed', rule: 'finance', by: ['cfo_for_all'] },
      { kind: 'shadowed', rule: 'lead', by: ['cfo_for_all'] },
    ]);
  });

  test('approvals: with the same roles, the larger count is stricter', () => {
    const ir = policy({
      rules: [require_('one', over(usd(100)), 'cfo'), require_('two', over(usd(50)), 'cfo', 2)],
      otherwise: verdict('flag'),
    });
    expect(analyzeRules(ir)).toEqual([{ kind: 'shadowed', rule: 'one', by: ['two'] }]);
  });

  test('`on missing` never counts as a shadowing rule', () => {
    const ir = policy({
      rules: [rule('flag_big', 'flag', over(usd(100))), rule('block_young', 'block', under(days(30), tenure))],
      otherwise: verdict('flag'),
      onMissing: verdict('block'),
    });
    expect(analyzeRules(ir)).toEqual([]);
  });

  test('a stronger rule that only sometimes overlaps does not shadow', () => {
    const ir = policy({
      rules: [rule('routine', 'allow', under(usd(150))), rule('bots', 'block', and(from('ai_agent'), over(usd(50))))],
      otherwise: verdict('pending_approval'),
    });
    expect(analyzeRules(ir)).toEqual([]);
  });
});

describe('currency gaps', () => {
  test('thresholds only in USD with `otherwise allow`: a EUR refund slips through', () => {
    const ir = policy({ rules: [rule('big', 'block', over(usd(1000))), rule('bots', 'flag', and(from('ai_agent'), over(usd(50))))] });
    const findings = analyzeRules(ir);
    expect(findings).toHaveLength(1);
    const gap = findings[0];
    if (gap?.kind !== 'currency_gap') throw new Error('expected a currency gap');
    expect(gap.currencies).toEqual(['USD']);
    expect(gap.witness).toMatchObject({ currency: 'EUR', amount_cents: expect.any(Number) });
    const decision = loadPolicy(ir).decide(gap.witness);
    expect(decision).toMatchObject({ outcome: 'allow', matched_rule: null, matched_rules: [] });
  });

  test('covered currencies are listed, and the witness uses another', () => {
    const ir = policy({ rules: [rule('usd', 'block', over(usd(1000))), rule('eur', 'block', over(eur(900)))] });
    const [gap] = analyzeRules(ir);
    expect(gap).toMatchObject({ kind: 'currency_gap', currencies: ['EUR', 'USD'], witness: { currency: 'GBP' } });
  });

  test('no gap when a rule catches every other currency', () => {
    const ir = policy({
      rules: [rule('usd', 'block', over(usd(1000))), rule('others', 'pending_approval', not(isIn(currency, sym('USD'))))],
    });
    expect(analyzeRules(ir)).toEqual([]);
  });

  test('no gap when the default is not allow, or when no rule compares money', () => {
    expect(analyzeRules(policy({ rules: [rule('big', 'block', over(usd(1000)))], otherwise: verdict('flag') }))).toEqual([]);
    expect(analyzeRules(policy({ rules: [rule('fraud', 'block', cmp(reason, 'eq', sym('fraud')))] }))).toEqual([]);
  });

  test('`on missing block` closes the gap for requests that leave a rule undecided, not for the rest', () => {
    const ir = policy({
      rules: [rule('big', 'block', over(usd(1000))), rule('young', 'flag', under(days(30), tenure))],
      onMissing: verdict('block'),
    });
    const [gap] = analyzeRules(ir);
    if (gap?.kind !== 'currency_gap') throw new Error('expected a currency gap');
    expect(gap.witness.customer_tenure_days).toBeGreaterThanOrEqual(30);
    expect(loadPolicy(ir).decide(gap.witness).outcome).toBe('allow');
  });
});

describe('limits', () => {
  test('a rule too large for the budget is reported as inconclusive, never as a finding', () => {
    const ir = policy({
      rules: [
        rule('wide', 'flag', and(...Array.from({ length: 6 }, (_, i) => or(over(usd(i + 1)), under(days(i + 1), tenure), cmp(reason, 'eq', sym(`r${i}`)))))),
        rule('small', 'block', over(usd(100))),
      ],
      otherwise: verdict('flag'),
    });
    const report = analyzeRulesReport(ir, { limits: { maxBoxes: 8, maxWork: 1_000_000 } });
    expect(report.findings).toEqual([]);
    expect(report.inconclusive).toEqual([{ rule: 'wide', why: expect.stringContaining('boxes') }]);
  });
});

describe('acme', () => {
  test('acme has no vacuous or shadowed rule and no gap (its default requires a support lead)', () => {
    expect(analyzeRulesReport(acme())).toEqual({ findings: [], inconclusive: [] });
  });

  test('`routine` is beaten by stronger rules sometimes, but still decides an ordinary small refund', () => {
    const decision = loadPolicy(acme()).decide({
      amount_cents: 1000,
      currency: 'USD',
      source: 'support_tool',
      customer_tenure_days: 400,
      charge_amount_cents: 1000,
      customer_refunds_last_30_days: 0,
    });
    expect(decision.matched_rule).toBe('routine');
  });

  test('with `otherwise allow`, acme would let EUR refunds through: a gap with a verified EUR witness', () => {
    const ir = { ...acme(), default: { outcome: 'allow' as const } };
    const findings = analyzeRules(ir);
    expect(kinds(findings)).toEqual(['currency_gap:USD']);
    const gap = findings[0] as Extract<RuleFinding, { kind: 'currency_gap' }>;
    expect(gap.witness).toMatchObject({ currency: 'EUR', amount_cents: expect.any(Number) });
    expect(loadPolicy(ir).decide(gap.witness)).toMatchObject({ outcome: 'allow', matched_rules: [] });
  });
});
