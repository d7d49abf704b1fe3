// The reports CI systems read: SARIF validated against the official SARIF 2.1.0 JSON schema
// (as shipped in @microsoft/jest-sarif) with Ajv, JUnit XML read back by a JUnit parser
// (junit2json), and the Markdown of `axiru diff` and `axiru impact`.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { parse as parseJunit } from 'junit2json';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { crossedGates, parseGates } from '../../src/cli/server/impactGates.js';
import { impactMarkdown, impactText, type ImpactAnswer } from '../../src/cli/server/impactReport.js';
import { captureIo } from '../helpers/captureIo.js';
import { ACME } from '../helpers/paths.js';

vi.mock('@axiru/server/cli', () => ({ registerCommands: () => undefined }));

const require = createRequire(import.meta.url);
const SCHEMA = join(dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib/schemas/sarif-2.1.0-rtm.5.json');
const INVALID = join(dirname(ACME), 'invalid');
const dir = mkdtempSync(join(tmpdir(), 'axiru-ci-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const captured = captureIo();
  const code = await main(argv, captured.io);
  return { code, out: captured.stdout(), err: captured.stderr() };
}

function sarifValidator() {
  // The schema's patterns are ECMA-262 without the u flag (one has a lone `]`), as draft-04 knew them.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  return ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
}

describe('axiru check --format sarif', () => {
  // Every invalid policy but the one built to exhaust the analysis (AX2005), which only costs time.
  const files = [ACME, ...readdirSync(INVALID).filter((f) => f.endsWith('.axiru') && !f.startsWith('AX2005')).sort().map((f) => join(INVALID, f))];

  test('is valid SARIF 2.1.0 with one result per diagnostic, at the same region', async () => {
    const sarif = await run('check', '--format', 'sarif', ...files);
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.out);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    expect(log.version).toBe('2.1.0');

    const diagnostics = JSON.parse((await run('check', '--format', 'json', ...files)).out) as Array<{ file: string; line: number; column: number; endLine: number; endColumn: number; code: string; severity: string }>;
    const results = log.runs[0].results as Array<{ ruleId: string; ruleIndex: number; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }> }>;
    expect(results).toHaveLength(diagnostics.length);
    expect(diagnostics.length).toBeGreaterThan(40);
    const rules = log.runs[0].tool.driver.rules as Array<{ id: string; help: { text: string; markdown: string }; defaultConfiguration: { level: string } }>;
    results.forEach((result, i) => {
      const d = diagnostics[i]!;
      expect(result.ruleId).toBe(d.code);
      expect(rules[result.ruleIndex]!.id).toBe(d.code);
      expect(result.level).toBe(d.severity === 'info' ? 'note' : d.severity);
      expect(result.locations[0]!.physicalLocation.region).toEqual({ startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn });
      expect(result.locations[0]!.physicalLocation.artifactLocation.uri).toBe(`file://${d.file}`);
    });
  }, 120_000);

  test('every diagnostic code is a rule with its documented help', async () => {
    const log = JSON.parse((await run('check', '--format', 'sarif', ACME)).out);
    const rules = log.runs[0].tool.driver.rules as Array<{ id: string; name: string; shortDescription: { text: string }; help: { text: string; markdown: string } }>;
    const unknownRole = rules.find((r) => r.id === 'AX1003')!;
    expect(unknownRole).toMatchObject({ name: 'UnknownRole', shortDescription: { text: 'unknown role' } });
    expect(unknownRole.help.markdown).toContain('```\nroles support_lead < finance_manager');
    expect(unknownRole.help.text).toContain('did you mean `finance_manager`?');
    expect(unknownRole.help.text).not.toContain('```');
    for (const rule of rules) expect(rule.help.text.length, rule.id).toBeGreaterThan(rule.shortDescription.text.length);
    // A clean file is a valid log with no results.
    expect(log.runs[0].results).toEqual([]);
  });

  test('relative paths are relative URIs, and related ranges are related locations', async () => {
    const path = join(dir, 'shadowed rule.axiru');
    writeFileSync(path, readFileSync(join(INVALID, 'AX2002-shadowed-rule.axiru'), 'utf8'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const log = JSON.parse((await run('check', '--format', 'sarif', 'shadowed rule.axiru')).out);
      expect(sarifValidator()(log)).toBe(true);
      const result = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'AX2002');
      expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('shadowed%20rule.axiru');
      expect(result.relatedLocations.length).toBeGreaterThan(0);
      expect(result.relatedLocations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    } finally {
      process.chdir(cwd);
    }
  });

  test('the schema check can fail: a log without a version or with a bad level is refused', async () => {
    const log = JSON.parse((await run('check', '--format', 'sarif', join(INVALID, 'AX1003-unknown-role.axiru'))).out);
    const validate = sarifValidator();
    expect(validate({ ...log, version: undefined })).toBe(false);
    log.runs[0].results[0].level = 'fatal';
    expect(validate(log)).toBe(false);
  });
});

const FAILING = [
  'policy "p" version 1',
  'roles finance_manager',
  '',
  'rule high_value_refund_review:',
  '  refunds over $150 require finance_manager',
  '',
  'rule routine:',
  '  allow refunds up to $150',
  '',
  'rule never_tested:',
  '  block refunds over $9,000',
  '',
  'otherwise require finance_manager',
  '',
  'example "small refunds pass" {',
  '  amount: $20',
  '} expect allow',
  '',
  'example "big refunds go to finance" {',
  '  amount: $220',
  '} expect allow',
  '',
].join('\n');

describe('axiru test --reporter junit', () => {
  test('one case per example, failures with expected and actual, unreached rules skipped, a broken policy an error', async () => {
    const failing = join(dir, 'failing.axiru');
    const broken = join(dir, 'broken.axiru');
    writeFileSync(failing, FAILING);
    writeFileSync(broken, FAILING.replace('roles finance_manager', 'roles finance_manager, finance_manager'));
    const out = join(dir, 'junit.xml');
    const result = await run('test', '--reporter', 'junit', '--out', out, failing, broken);
    expect(result.code).toBe(1);
    // The text report still goes to standard output.
    expect(result.out).toContain('examples: 1 passed, 1 failed; 1 policy did not compile');
    const report = await parseJunit(readFileSync(out, 'utf8')) as any;
    expect(report).toMatchObject({ name: 'axiru test', tests: 4, failures: 1, errors: 1, skipped: 1 });
    const [suite, brokenSuite] = report.testsuite;
    expect(suite).toMatchObject({ name: failing, tests: 3, failures: 1, errors: 0, skipped: 1 });
    expect(suite.testcase.map((c: { name: string }) => c.name)).toEqual([
      'small refunds pass', 'big refunds go to finance', 'rule never_tested is reached by an example',
    ]);
    const [passed, failed, skipped] = suite.testcase;
    expect(passed).toMatchObject({ classname: 'p', line: 15 });
    expect(passed.failure).toBeUndefined();
    expect(failed.failure[0].message).toBe('expected allow, got pending_approval by high_value_refund_review');
    expect(failed.failure[0].inner).toContain('expected: allow\nactual:   pending_approval by high_value_refund_review');
    expect(skipped.skipped[0].message).toBe('no example reaches rule `never_tested`: add an example that it matches');
    expect(brokenSuite.testcase[0].error[0]).toMatchObject({ type: 'compile_error' });
    expect(brokenSuite.testcase[0].error[0].inner).toContain('AX1018');
  });

  test('without --out the XML is the output; a passing run exits 0', async () => {
    const result = await run('test', '--reporter', 'junit', ACME);
    expect(result.code).toBe(0);
    const report = await parseJunit(result.out) as any;
    expect(report).toMatchObject({ tests: 7, failures: 0, errors: 0, skipped: 4 });
    expect((await run('test', '--reporter', 'tap', ACME)).code).toBe(2);
    expect((await run('test', '--out', join(dir, 'x.xml'), ACME)).code).toBe(2);
  });
});

describe('axiru diff --format markdown', () => {
  test('a table row per kind of change with its example refund and both verdicts', async () => {
    const v4 = join(dir, 'v4.axiru');
    writeFileSync(v4, readFileSync(ACME, 'utf8').replace('version 3', 'version 4').replace('allow refunds up to $150', 'allow refunds up to $150 from support_tool'));
    const result = await run('diff', ACME, v4, '--format', 'markdown');
    expect(result.code).toBe(1);
    const json = JSON.parse((await run('diff', ACME, v4, '--format', 'json')).out) as { transitions: Array<{ from: string; to: string }> };
    const rows = result.out.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows).toHaveLength(json.transitions.length);
    expect(result.out).toContain(`### Axiru diff: \`${ACME}\` (v3) → \`${v4}\` (v4)`);
    expect(rows.some((row) => /^\| `allow` → `pending_approval` \| \$[\d.,]+ from ai_agent.* \| `allow` by `routine` \| `pending_approval` \|$/.test(row))).toBe(true);
    const same = await run('diff', ACME, ACME, '--format', 'markdown');
    expect(same.code).toBe(0);
    expect(same.out).toContain('Equivalent: both decide every refund the same way.');
    expect((await run('diff', ACME, v4, '--format', 'html')).code).toBe(2);
  });
});

const IMPACT: ImpactAnswer = {
  window: { days: 30, since: '2026-03-29T00:00:00.000Z', until: '2026-04-28T00:00:00.000Z' },
  against: { version: 'v3', ir_hash: 'sha256:aaa' },
  candidate: { ir_hash: 'sha256:bbb' },
  evaluated: 1234,
  changed: 14,
  transitions: [
    {
      from: 'allow', to: 'pending_approval', count: 12, amounts: [{ currency: 'usd', amount_cents: 234000 }], text: 'allow → pending_approval: 12, $2,340.00',
      refunds: Array.from({ length: 12 }, (_, i) => ({
        intent_id: `int_${i}`, amount_cents: 19500, currency: 'usd', received_at: `2026-04-${String(27 - i).padStart(2, '0')}T10:00:00.000Z`,
        before_rule: 'routine', after_rule: 'high_value_refund_review',
      })),
    },
    {
      from: 'pending_approval', to: 'block', count: 2, amounts: [{ currency: 'eur', amount_cents: 5000 }, { currency: 'usd', amount_cents: 80000 }], text: 'pending_approval → block: 2, €50.00 + $800.00',
      refunds: [
        { intent_id: 'int_a', amount_cents: 5000, currency: 'eur', received_at: '2026-04-20T00:00:00.000Z', before_rule: null, after_rule: 'eur|block' },
        { intent_id: 'int_b', amount_cents: 80000, currency: 'usd', received_at: '2026-04-19T00:00:00.000Z', before_rule: 'high_value_refund_review', after_rule: 'new_customer' },
      ],
    },
  ],
  rules: [{ name: 'high_value_refund_review', matched: 40, decided: 38 }, { name: 'routine', matched: 1100, decided: 1100 }],
  summary: [],
};
const NAME = { file: 'policies/refunds.axiru', policy: 'acme-refunds', version: 'v4' };

describe('axiru --help', () => {
  test('lists the CI commands and formats', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^ {2}publish \[options\] <file>/m);
    expect(help.out).toMatch(/^ {2}impact \[options\] <file>/m);
    const impact = await run('impact', '--help');
    for (const flag of ['--server <url>', '--key <key>', '--days <days>', '--format <format>', '--fail-on <gates>', 'AXIRU_URL', 'AXIRU_ADMIN_KEY']) expect(impact.out).toContain(flag);
    const publish = await run('publish', '--help');
    for (const flag of ['--shadow', '--activate', '--yes', '--json']) expect(publish.out).toContain(flag);
    expect((await run('check', '--help')).out).toContain('sarif');
    expect((await run('test', '--help')).out).toContain('--reporter <reporter>');
  });
});

describe('axiru impact formats and gates', () => {
  test('Markdown: a summary table, the newest changed refunds per change, and the rules', () => {
    const markdown = impactMarkdown(IMPACT, NAME);
    expect(markdown.split('\n').slice(0, 3)).toEqual([
      '### Axiru impact: `acme-refunds` v4 against v3',
      '',
      '`policies/refunds.axiru` re-evaluated over **1,234** refund decisions of the last 30 days (2026-03-29 to 2026-04-28): **14** would be decided differently.',
    ]);
    expect(markdown).toContain('| `allow` → `pending_approval` | 12 | $2,340.00 |');
    expect(markdown).toContain('| `pending_approval` → `block` | 2 | €50.00 + $800.00 |');
    expect(markdown).toContain('<details><summary>allow → pending_approval: the newest 10 of 12 refunds</summary>');
    expect(markdown).toContain('<details><summary>pending_approval → block: the 2 refunds</summary>');
    expect(markdown.split('\n').filter((line) => line.includes('`int_')).length).toBe(12);
    // `otherwise` names the default verdict; a pipe in a cell is escaped.
    expect(markdown).toContain('| 2026-04-20T00:00:00.000Z | `int_a` | €50.00 | `otherwise` | `eur\\|block` |');
    expect(markdown).toContain('| `routine` | 1,100 | 1,100 |');
  });

  test('text: the transitions with their refunds and the rule counts', () => {
    const text = impactText(IMPACT, NAME);
    expect(text).toContain('acme-refunds v4 (policies/refunds.axiru) against v3, last 30 days');
    expect(text).toContain('1,234 decisions re-evaluated, 14 would change');
    expect(text).toContain('  2026-04-27T10:00:00.000Z  int_0  $195.00  routine -> high_value_refund_review');
    expect(text).toContain('  … and 2 more');
    expect(text).toContain('  routine                   1,100 / 1,100');
  });

  test('gates: FROM->TO with > or >=, * for any outcome, changed for all', () => {
    const crossed = (spec: string) => crossedGates(parseGates([spec]), IMPACT).map(({ gate, count }) => `${gate.text}=${count}`);
    expect(crossed('allow->block>0')).toEqual([]);
    expect(crossed('allow->pending_approval>11')).toEqual(['allow->pending_approval>11=12']);
    expect(crossed('allow->pending_approval>12')).toEqual([]);
    expect(crossed('allow->pending_approval>=12')).toEqual(['allow->pending_approval>=12=12']);
    expect(crossed('*->block>1')).toEqual(['*->block>1=2']);
    expect(crossed('pending_approval→*>=3')).toEqual([]);
    expect(crossed('changed>13, *->*>14')).toEqual(['changed>13=14']);
    for (const bad of ['allow->block', 'allow->blocked>0', 'allow>block>0', 'changed>-1']) {
      expect(() => parseGates([bad]), bad).toThrow(/--fail-on/);
    }
  });
});
