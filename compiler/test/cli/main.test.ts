// The `axiru` CLI in-process through `main(argv, io)`: output formats, files written, and the
// exit codes scripts rely on (0 fine, 1 the input has problems, 2 the command was called wrongly).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { compile } from '@axiru/compiler';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../helpers/captureIo.js';
import { ACME } from '../helpers/paths.js';

// Commands from other packages (`serve`, `keys`, ...) are plugins; these tests are about the
// compiler's own commands, so the plugin is a stub and the tests do not depend on its build.
vi.mock('@axiru/server/cli', () => ({ registerCommands: () => undefined }));

const ACME_TEXT = readFileSync(ACME, 'utf8');
const UNKNOWN_ROLE = 'policy "p" version 1\nroles support_lead < finance_manager\n\nrule high_value:\n  refunds over $150 require finance_manger\n';
const WARNING_ONLY = 'policy "p" version 1\n\nrule small_only:\n  block refunds unless amount under $20\n\notherwise block\n';
const FAILING_EXAMPLE = [
  'policy "p" version 1',
  'roles finance_manager',
  '',
  'rule high_value_refund_review:',
  '  refunds over $150 require finance_manager',
  '',
  'rule routine:',
  '  allow refunds up to $150',
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

let dir: string;
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

async function run(argv: string[], stdin = '') {
  const captured = captureIo(stdin);
  const code = await main(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'axiru-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('axiru check', () => {
  test('a clean policy: exit 0 and a summary', async () => {
    const result = await run(['check', ACME]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('1 file checked: 0 errors, 0 warnings\n');
    expect(result.stderr).toBe('');
  });

  test('text: a code frame with a caret line under the range, the help, and exit 1', async () => {
    const path = file('unknown-role.axiru', UNKNOWN_ROLE);
    const result = await run(['check', path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        'error[AX1003]: unknown role `finance_manger` — did you mean `finance_manager`?',
        `  --> ${path}:5:29`,
        '  |',
        '5 |   refunds over $150 require finance_manger',
        '  |                             ^^^^^^^^^^^^^^',
        '   = help: declared roles: `support_lead`, `finance_manager`',
        '1 file checked: 1 error, 0 warnings',
        '',
      ].join('\n'),
    );
  });

  test('warnings alone exit 0', async () => {
    const result = await run(['check', file('warning.axiru', WARNING_ONLY)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('warning[AX2004]: the negated comparison with `$20` holds for every refund not in USD');
    expect(result.stdout).toContain('1 file checked: 0 errors, 1 warning');
  });

  test('json: an array of { file, line, column, endLine, endColumn, severity, code, message } + help, 1-based', async () => {
    const path = file('unknown-role.axiru', UNKNOWN_ROLE);
    const result = await run(['check', path, ACME, '--format', 'json']);
    expect(result.code).toBe(1);
    const diagnostics = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(diagnostics).toEqual([
      {
        file: path,
        line: 5,
        column: 29,
        endLine: 5,
        endColumn: 43,
        severity: 'error',
        code: 'AX1003',
        message: 'unknown role `finance_manger` — did you mean `finance_manager`?',
        help: 'declared roles: `support_lead`, `finance_manager`',
      },
    ]);
    // The contract: exactly these keys, `help` optional.
    for (const d of diagnostics) {
      expect(Object.keys(d).filter((k) => k !== 'help')).toEqual(['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message']);
    }
  });

  test('json: a clean file gives an empty array and exit 0; a warning is listed with exit 0', async () => {
    expect(await run(['check', ACME, '--format', 'json'])).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
    const result = await run(['check', file('warning.axiru', WARNING_ONLY), '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject([{ severity: 'warning', code: 'AX2004', line: 4, column: 24, endLine: 4, endColumn: 40 }]);
  });

  test('json: a range over several lines, and a diagnostic at the end of the file', async () => {
    const multiline = 'policy "p" version 1\nrule r:\n  flag refunds when reason\n    over 3\n';
    expect(JSON.parse((await run(['check', file('multiline.axiru', multiline), '--format', 'json'])).stdout)).toEqual([
      expect.objectContaining({ code: 'AX1009', line: 3, column: 21, endLine: 4, endColumn: 11 }),
    ]);
    const eof = 'policy "p" version 1\nrule r:\n  flag refunds when (reason is x\n';
    expect(JSON.parse((await run(['check', file('eof.axiru', eof), '--format', 'json'])).stdout)).toEqual([
      expect.objectContaining({ code: 'AX1001', message: 'expected `)`, found the end of the file', line: 3, column: 33, endLine: 3, endColumn: 33 }),
    ]);
  });

  test('text: a range over several lines frames each line', async () => {
    const multiline = 'policy "p" version 1\nrule r:\n  flag refunds when reason\n    over 3\n';
    const result = await run(['check', file('multiline.axiru', multiline)]);
    expect(result.stdout).toContain(['3 |   flag refunds when reason', '  |                     ^^^^^^', '4 |     over 3', '  | ^^^^^^^^^^'].join('\n'));
  });

  test('github: workflow commands with 1-based positions', async () => {
    const path = file('unknown-role.axiru', UNKNOWN_ROLE);
    const result = await run(['check', path, '--format', 'github']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `::error file=${path},line=5,col=29,endLine=5,endColumn=43,title=AX1003::AX1003: unknown role \`finance_manger\` — did you mean \`finance_manager\`?\n`,
    );
    const warning = await run(['check', file('warning.axiru', WARNING_ONLY), '--format', 'github']);
    expect(warning.code).toBe(0);
    expect(warning.stdout).toMatch(/^::warning file=.*,line=4,col=24,endLine=4,endColumn=40,title=AX2004::AX2004: /);
    expect(await run(['check', ACME, '--format', 'github'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test.each([
    [['check', ACME, '--format', 'xml'], 'axiru: --format must be text, json, github or sarif, not `xml`'],
    [['check', '/no/such/file.axiru'], 'axiru: /no/such/file.axiru: no such file'],
  ])('usage errors exit 2 with one line: %j', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${message}\n`);
    expect(result.stdout).toBe('');
  });

  test('a directory instead of a file is a usage error', async () => {
    const result = await run(['check', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`axiru: ${dir}: is a directory, expected a .axiru file\n`);
  });

  test.each([[['check']], [['frobnicate']], [['check', ACME, '--bogus']], [[]]])('commander usage errors exit 2: %j', async (argv) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr.length).toBeGreaterThan(0);
  });

  test('--help and --version exit 0', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('check [options] <files...>');
    const version = await run(['--version']);
    expect(version).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });
});

describe('axiru compile', () => {
  test('the IR on stdout', async () => {
    const result = await run(['compile', ACME]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(compile(ACME_TEXT).ir);
    expect(result.stderr).toBe('');
  });

  test('-o writes the IR to a file; --source-map writes the map', async () => {
    const out = join(dir, 'acme.ir.json');
    const map = join(dir, 'acme.map.json');
    const result = await run(['compile', ACME, '-o', out, '--source-map', map]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(compile(ACME_TEXT).ir);
    const sourceMap = JSON.parse(readFileSync(map, 'utf8'));
    expect(sourceMap.file).toBe(ACME);
    expect(Object.keys(sourceMap.rules)).toEqual(compile(ACME_TEXT).ir!.rules.map((r) => r.id));
  });

  test('errors: exit 1, the diagnostics on stderr, nothing on stdout', async () => {
    const result = await run(['compile', file('unknown-role.axiru', UNKNOWN_ROLE)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error[AX1003]');
  });

  test('warnings go to stderr and the IR is still written', async () => {
    const result = await run(['compile', file('warning.axiru', WARNING_ONLY)]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).policy).toBe('p');
    expect(result.stderr).toContain('warning[AX2004]');
  });
});

describe('axiru eval', () => {
  const request = { amount_cents: 22000, currency: 'usd', source: 'support_tool', customer_tenure_days: 9, reason: 'duplicate_charge' };

  test('a .axiru policy: prints { "decision": ... }', async () => {
    const result = await run(['eval', ACME, '--input', JSON.stringify(request)]);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(Object.keys(output)).toEqual(['decision']);
    expect(output.decision).toMatchObject({
      outcome: 'pending_approval',
      matched_rule: 'high_value_refund_review',
      approver_role: 'finance_manager',
      approvals_required: 1,
      policy_version: 'v3',
      reason: 'Refunds over $150 require approval',
    });
  });

  test('a compiled .json IR decides the same', async () => {
    const ir = join(dir, 'acme.json');
    writeFileSync(ir, JSON.stringify(compile(ACME_TEXT).ir));
    const fromIr = await run(['eval', ir, '--input', JSON.stringify(request)]);
    const fromSource = await run(['eval', ACME, '--input', JSON.stringify(request)]);
    expect(fromIr.code).toBe(0);
    expect(fromIr.stdout).toBe(fromSource.stdout);
  });

  test('--explain adds the per-rule trace and why', async () => {
    const result = await run(['eval', ACME, '--input', JSON.stringify(request), '--explain']);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.decision.outcome).toBe('pending_approval');
    expect(typeof output.explanation.why).toBe('string');
    expect(output.explanation.rules.length).toBe(7);
  });

  test('input from @file and from standard input', async () => {
    const input = join(dir, 'request.json');
    writeFileSync(input, JSON.stringify({ amount_cents: 6000, source: 'ai_agent', customer_tenure_days: 400 }));
    const fromFile = JSON.parse((await run(['eval', ACME, '--input', `@${input}`])).stdout);
    const fromStdin = JSON.parse((await run(['eval', ACME, '--input', '-'], JSON.stringify({ amount_cents: 6000, source: 'ai_agent', customer_tenure_days: 400 }))).stdout);
    expect(fromFile.decision.matched_rule).toBe('bot_limit');
    expect(fromStdin).toEqual(fromFile);
  });

  test('malformed JSON: one line on stderr, exit 2', async () => {
    const result = await run(['eval', ACME, '--input', '{"amount_cents": 22000,']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^axiru: --input is not valid JSON: [^\n]+\n$/);
  });

  test('JSON that is not an object: exit 2', async () => {
    const result = await run(['eval', ACME, '--input', '[1, 2]']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^axiru: --input must be a JSON object[^\n]*\n$/);
  });

  test('a malformed or invalid IR file: one line, exit 2', async () => {
    const broken = file('broken.json', '{ "ir_version": ');
    const result = await run(['eval', broken, '--input', '{}']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^axiru: ${broken}: not valid JSON \\([^\\n]+\\)\\n$`));
    const future = file('future.json', JSON.stringify({ ...compile(ACME_TEXT).ir, ir_version: 99 }));
    const refused = await run(['eval', future, '--input', '{}']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('unsupported ir_version 99');
  });

  test('a policy with errors: the diagnostics and exit 1', async () => {
    const result = await run(['eval', file('unknown-role.axiru', UNKNOWN_ROLE), '--input', '{}']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error[AX1003]');
  });

  test('--input is required', async () => {
    expect((await run(['eval', ACME])).code).toBe(2);
  });
});

describe('axiru test', () => {
  test('passing examples and per-rule coverage: exit 0', async () => {
    const result = await run(['test', ACME]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  ✓ duplicate charge over threshold goes to finance\n');
    expect(result.stdout).toContain('  ✓ bot refund of $60 needs a support lead\n');
    expect(result.stdout).toMatch(/ {2}coverage: \d+\/7 rules matched by an example, \d+ decided one\n/);
    expect(result.stdout).toMatch(/ {2}not reached by any example: [a-z_, ]+\n/);
    expect(result.stdout).toContain('examples: 3 passed, 0 failed');
  });

  test('a failing example: its name, expected and actual decision, exit 1', async () => {
    const path = file('failing.axiru', FAILING_EXAMPLE);
    const result = await run(['test', path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('  ✓ small refunds pass\n');
    expect(result.stdout).toContain(
      [
        '  ✗ big refunds go to finance',
        '      expected: allow',
        '      actual:   pending_approval by high_value_refund_review',
        '      reason:   Refunds over $150 require finance_manager',
        '      input:    {"amount_cents":22000,"currency":"usd"}',
      ].join('\n'),
    );
    expect(result.stdout).toContain('  coverage: 2/2 rules matched by an example, 2 decided one\n');
    expect(result.stdout).not.toContain('not reached by any example');
    expect(result.stdout).toContain('examples: 1 passed, 1 failed');
  });

  test('a rule no example reaches is named', async () => {
    const path = file('uncovered.axiru', 'policy "p" version 1\nrule a:\n  flag refunds over $5\nrule b:\n  allow refunds up to $5\notherwise flag\nexample "e" { amount: $1 } expect allow by b\n');
    const result = await run(['test', path]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  coverage: 1/2 rules matched by an example, 1 decided one\n  not reached by any example: a\n');
  });

  test('a policy that does not compile: its errors and exit 1', async () => {
    const result = await run(['test', file('unknown-role.axiru', UNKNOWN_ROLE)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('error[AX1003]');
    expect(result.stdout).toContain('1 policy did not compile');
  });
});

describe('axiru fmt', () => {
  const UNFORMATTED = 'policy  "p" version 1\nrule r :  flag refunds   over $5 # why\n';
  const FORMATTED = 'policy "p" version 1\n\nrule r:\n  flag refunds over $5 # why\n';

  test('--check: exit 1 and the file named when it is not formatted; the file is not touched', async () => {
    const path = file('unformatted.axiru', UNFORMATTED);
    const result = await run(['fmt', '--check', path]);
    expect(result).toEqual({ code: 1, stdout: `${path}: not formatted\n`, stderr: '' });
    expect(readFileSync(path, 'utf8')).toBe(UNFORMATTED);
  });

  test('--check on formatted files: exit 0, silent', async () => {
    expect(await run(['fmt', '--check', file('formatted.axiru', FORMATTED), ACME])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('without --check the file is rewritten in place, and then passes --check', async () => {
    const path = file('rewrite.axiru', UNFORMATTED);
    const result = await run(['fmt', path]);
    expect(result).toEqual({ code: 0, stdout: `${path}: formatted\n`, stderr: '' });
    expect(readFileSync(path, 'utf8')).toBe(FORMATTED);
    expect((await run(['fmt', '--check', path])).code).toBe(0);
  });

  test('a file with syntax errors is reported, left alone, and exits 1', async () => {
    const text = 'policy "p" version 1\nrule r: blok refunds\n';
    const path = file('syntax.axiru', text);
    const result = await run(['fmt', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error[AX1001]');
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});
