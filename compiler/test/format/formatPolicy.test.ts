// The formatter's layout rules on small inputs: canonical spacing, where comments go, blank
// lines, line breaks for long rules and examples, and what it refuses.
import { describe, expect, test } from 'vitest';
import { compile, formatPolicy } from '@axiru/compiler';

const format = (text: string) => {
  const result = formatPolicy(text);
  expect(result.diagnostics).toEqual([]);
  return result.text!;
};

describe('formatPolicy', () => {
  test('canonical spacing and indentation, one blank line around rules and examples', () => {
    const text = 'policy   "p"  version 1\nroles a<b ,c\nsources x,y\nrule r :  refunds  over $5\n require   a   because "why"\nexample "e"{amount:$6,source:x}expect pending_approval by r\notherwise   flag\n';
    expect(format(text)).toBe(
      [
        'policy "p" version 1',
        '',
        'roles a < b, c',
        'sources x, y',
        '',
        'rule r:',
        '  refunds over $5 require a',
        '  because "why"',
        '',
        'example "e" {',
        '  amount: $6, source: x',
        '} expect pending_approval by r',
        '',
        'otherwise flag',
        '',
      ].join('\n'),
    );
  });

  test('keeps the author`s spelling: separators, synonyms, literals, parentheses, quoted symbols', () => {
    const text = 'policy "p" version 1\nroles cfo\nrule r:\n  refunds from ai_agent, automation over 1,500.50 EUR when (reason is "goodwill-2024" or metadata["order id"] is "x") requires 2 approvals from cfo unless not charge age at most 48 hours\n';
    const formatted = format(text);
    expect(formatted).toContain('from ai_agent, automation over 1,500.50 EUR');
    expect(formatted).toContain('when (reason is "goodwill-2024" or metadata["order id"] is "x")');
    expect(formatted).toContain('requires 2 approvals from cfo');
    expect(formatted).toContain('unless not charge age at most 48 hours');
  });

  test('a long rule breaks before its clauses, each continuation indented', () => {
    const text = 'policy "p" version 1\nroles support_lead\nrule r: refunds from ai_agent or automation over $50 when customer tenure under 30 days and reason is not duplicate_charge require support_lead unless metadata.ticket is "Z-1234567890"\n';
    expect(format(text)).toBe(
      [
        'policy "p" version 1',
        '',
        'roles support_lead',
        '',
        'rule r:',
        '  refunds from ai_agent or automation over $50',
        '  when customer tenure under 30 days and reason is not duplicate_charge',
        '  require support_lead unless metadata.ticket is "Z-1234567890"',
        '',
      ].join('\n'),
    );
  });

  test('a long example fills lines up to 100 columns, each full line ending in a comma', () => {
    const fields = 'amount: $220, source: support_tool, customer_tenure_days: 9, reason: duplicate_charge, metadata: { ticket: "Z-1234", channel: "phone" }';
    const formatted = format(`policy "p" version 1\nexample "long one" { ${fields} } expect allow\n`);
    expect(formatted).toContain(
      [
        'example "long one" {',
        '  amount: $220, source: support_tool, customer_tenure_days: 9, reason: duplicate_charge,',
        '  metadata: { ticket: "Z-1234", channel: "phone" }',
        '} expect allow',
      ].join('\n'),
    );
    for (const line of formatted.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  test('comments stay: leading, trailing with the author`s gap, inside a statement, and at the end', () => {
    const text = [
      '# lead',
      '',
      'policy "p" version 1   # after the header',
      '# before roles',
      'roles a',
      'rule r:',
      '  flag refunds # inside',
      '  over $5',
      '  because "x" # after because',
      '',
      '# the end',
      '',
    ].join('\n');
    expect(format(text)).toBe(
      [
        '# lead',
        '',
        'policy "p" version 1   # after the header',
        '',
        '# before roles',
        'roles a',
        '',
        'rule r:',
        '  flag refunds over $5 # inside',
        '  because "x" # after because',
        '',
        '# the end',
        '',
      ].join('\n'),
    );
  });

  test('two comments never merge into one: extra trailing comments move onto their own lines (regression)', () => {
    // Before: `flag refunds over $5 # a # b`, which is one comment `# a # b` when read back.
    const text = 'policy "p" version 1\nrule r:\n  flag refunds # a\n    over $5 # b\n  because "x"\n';
    const formatted = format(text);
    expect(formatted).toBe('policy "p" version 1\n\nrule r:\n  # a\n  flag refunds over $5 # b\n  because "x"\n');
    expect(format(formatted)).toBe(formatted);
  });

  test('a comment on its own line keeps its own line before the clause it precedes', () => {
    const text = 'policy "p" version 1\nrule r:\n  flag refunds over $5 # a\n  # about the reason\n  because "x"\nexample "e" {\n  # the amount\n  amount: $5\n} expect flag\n';
    const formatted = format(text);
    expect(formatted).toBe(
      'policy "p" version 1\n\nrule r:\n  flag refunds over $5 # a\n  # about the reason\n  because "x"\n\nexample "e" {\n  # the amount\n  amount: $5\n} expect flag\n',
    );
    expect(format(formatted)).toBe(formatted);
  });

  test('the gap before a trailing comment is the author`s, read where the comment is (regression: read elsewhere, not idempotent)', () => {
    const text = 'policy "p" version 1\nroles a\t# tab\nrule r:\t# after the colon\n  flag refunds      # aligned\n';
    const formatted = format(text);
    expect(formatted).toBe('policy "p" version 1\n\nroles a\t# tab\n\nrule r:\t# after the colon\n  flag refunds      # aligned\n');
    expect(format(formatted)).toBe(formatted);
  });

  test('a file of comments only is kept as it is', () => {
    expect(format('# one\n\n# two\n')).toBe('# one\n\n# two\n');
  });

  test('CRLF line ends become LF, and the result is stable', () => {
    const formatted = format('policy "p" version 1\r\nrule r:\r\n  flag refunds # c\r\n');
    expect(formatted).toBe('policy "p" version 1\n\nrule r:\n  flag refunds # c\n');
    expect(format(formatted)).toBe(formatted);
  });

  test('an example key that is a reserved word stays quoted (regression: it printed `by:` and broke the file)', () => {
    const text = 'policy "p" version 1\nrule r: flag refunds\nexample "e" { metadata: { "by": "x", "order id": "y", ticket: "z" } } expect flag\n';
    const formatted = format(text);
    expect(formatted).toContain('metadata: { "by": "x", "order id": "y", ticket: "z" }');
    expect(compile(formatted).diagnostics).toEqual([]);
  });

  test('a file with syntax errors is not formatted; its errors come back', () => {
    const result = formatPolicy('policy "p" version 1\nrule r: blok refunds\n');
    expect(result.text).toBeNull();
    expect(result.diagnostics.map((d) => d.code)).toEqual(['AX1001']);
  });

  test('semantic errors do not stop formatting', () => {
    expect(format('policy "p" version 0\nrule r: refunds over $5 require nobody\n')).toBe('policy "p" version 0\n\nrule r:\n  refunds over $5 require nobody\n');
  });
});
