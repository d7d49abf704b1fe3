import { describe, expect, it } from 'vitest';
import type { Hover, MarkupContent } from 'vscode-languageserver';
import { hover } from '../src/features/hover.js';
import type { HistoryView } from '../src/features/historyText.js';
import { at } from './helpers/fixture.js';

const POLICY = `policy "test" version 1
roles support_lead < finance_manager < cfo

rule high_value:
  refunds over $1,500.50 require finance_manager
  because "Large refunds need finance"

rule new_customers:
  block refunds when customer tenure under 48 hours and amount over 80% of charge amount

rule yen:
  flag refunds over ¥5000

rule kuwait:
  flag refunds over 1.250 KWD

otherwise require support_lead

example "large" {
  amount: $2000, source: support_tool
} expect pending_approval by high_value
`;

function hoverAt(fixture: string, history?: HistoryView): string | null {
  const cursor = at(fixture);
  const result: Hover | null = hover(cursor.document, cursor.position, history);
  return result ? (result.contents as MarkupContent).value : null;
}

/** The policy with the cursor placed just inside the first occurrence of `marker`. */
function on(marker: string, history?: HistoryView): string | null {
  const index = POLICY.indexOf(marker);
  if (index < 0) throw new Error(`no ${marker}`);
  return hoverAt(`${POLICY.slice(0, index + 1)}|${POLICY.slice(index + 1)}`, history);
}

describe('hover', () => {
  it('gives a money literal’s currency and minor units', () => {
    expect(on('$1,500.50')).toBe('**money** $1,500.50 — USD, 150050 minor units (2 decimals)\n\nNever matches a refund in another currency.');
    expect(on('¥5000')).toContain('JPY, 5000 minor units (no minor unit)');
    expect(on('1.250 KWD')).toContain('KWD, 1250 minor units (3 decimals)');
  });

  it('gives a subject’s field, type and unit', () => {
    expect(on('customer tenure')).toBe('**customer tenure** — duration (days)\n\nReads `customer_tenure_days`: how long the customer has been a customer.');
    expect(on('charge amount')).toContain('Reads `charge_amount_cents`');
  });

  it('gives durations in hours and percentages as exact comparisons', () => {
    expect(on('48 hours')).toContain('48 hours — 48 hours');
    expect(on('80%')).toContain('`x × 100` against `80 × y`');
  });

  it('gives a role’s seniority and the rules that require it', () => {
    const text = on('finance_manager\n  because')!;
    expect(text).toContain('**role** `finance_manager` — rank 1');
    expect(text).toContain('may also come from: `cfo`');
    expect(text).toContain('- `high_value` (line 4)');
    const junior = on('support_lead <')!;
    expect(junior).toContain('`finance_manager`, `cfo`');
    expect(junior).toContain('No rule requires it.');
    expect(junior).toContain('Also required by `otherwise`.');
  });

  it('gives a rule’s outcome, a plain-English summary and its reason', () => {
    const text = on('high_value:')!;
    expect(text).toBe(
      '**rule** `high_value` → `pending_approval`\n\nHolds refunds when amount over $1,500.50 for approval by finance_manager.\n\nReason: “Large refunds need finance”',
    );
    expect(on('new_customers')).toContain('Blocks refunds when customer tenure under 2 days and amount over 80% of charge amount.');
  });

  it('gives a rule’s hit counts when history has been replayed', () => {
    const history: HistoryView = {
      state: 'ready',
      stale: false,
      report: { refunds: 4310, from: '2026-01-01T00:00:00Z', to: '2026-03-31T00:00:00Z', rules: { high_value: { matched: 82, decided: 61, amount: { usd: 1824000 } } } },
    };
    expect(on('high_value:', history)).toContain('History: matched 82 of 4,310 refunds in the last 89 days · $18,240 · would decide 61');
    expect(on('high_value', { state: 'pending' })).toContain('History: replaying…');
  });

  it('reaches the rule from an example’s `by`', () => {
    const byIndex = POLICY.lastIndexOf('high_value');
    expect(hoverAt(`${POLICY.slice(0, byIndex + 2)}|${POLICY.slice(byIndex + 2)}`)).toContain('→ `pending_approval`');
  });

  it('says whether an example passes', () => {
    expect(on('"large"')).toContain('**example passes** — pending_approval by `high_value`');
    const failing = POLICY.replace('expect pending_approval by high_value', 'expect block');
    const index = failing.indexOf('"large"');
    expect(hoverAt(`${failing.slice(0, index + 1)}|${failing.slice(index + 1)}`)).toContain('**example fails** — expects block, the policy decides pending_approval by `high_value`');
  });

  it('documents keywords', () => {
    expect(on('otherwise')).toContain('**otherwise** — The verdict when no rule matches');
    expect(on('because')).toContain('**because**');
  });

  it('says when a role or field is unknown', () => {
    expect(hoverAt(`${POLICY}rule x:\n  refunds over $1 require contr|oller\n`)).toContain('not declared');
    expect(hoverAt(`${POLICY}rule x:\n  block refunds when ten|ure over 3 days\n`)).toContain('**unknown field** `tenure`');
  });

  it('gives nothing on blank space', () => {
    expect(hoverAt(`${POLICY}\n|\n`)).toBeNull();
  });
});
