// `axiru diff OLD NEW --format markdown`: the ways decisions change between two policies, as a
// pull-request comment: one table row per kind of change with the refund that shows it.

import { formatMoney } from '@axiru/runtime';
import type { DecisionInput } from '@axiru/runtime';
import type { PolicyDiff } from '../analysis/index.js';

export interface DiffSide {
  readonly file: string;
  readonly version: string;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The example refund in words: `$220.00 from support_tool, customer_tenure_days 9`. */
function refund(example: DecisionInput): string {
  const { amount_cents: amount, currency, source, ...rest } = example as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof amount === 'number') parts.push(formatMoney(amount, typeof currency === 'string' ? currency : 'usd'));
  if (typeof source === 'string') parts.push(`from ${source}`);
  const head = parts.join(' ');
  const fields = Object.entries(rest).map(([key, value]) => `${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [head, ...fields].filter((s) => s.length > 0).join(', ');
}

function verdict(decision: { outcome: string; matched_rule: string | null }): string {
  return `\`${decision.outcome}\`${decision.matched_rule ? ` by \`${cell(decision.matched_rule)}\`` : ''}`;
}

export function renderDiffMarkdown(diff: PolicyDiff, before: DiffSide, after: DiffSide): string {
  const title = `### Axiru diff: \`${cell(before.file)}\` (${before.version}) → \`${cell(after.file)}\` (${after.version})`;
  if (diff.equivalent) return `${title}\n\nEquivalent: both decide every refund the same way.`;
  const lines = [
    title,
    '',
    `${diff.transitions.length} kind${diff.transitions.length === 1 ? '' : 's'} of change, each shown by a refund it happens to:`,
    '',
    `| change | example refund | ${cell(before.version)} | ${cell(after.version)} |`,
    '|---|---|---|---|',
  ];
  for (const t of diff.transitions) {
    const change = `\`${t.from}\` → \`${t.to}\`${t.detail ? ` (${cell(t.detail)})` : ''}`;
    lines.push(`| ${change} | ${cell(refund(t.example))} | ${verdict(t.before)} | ${verdict(t.after)} |`);
  }
  if (diff.inconclusive) lines.push('', `Not every change could be settled: ${cell(diff.why ?? 'analysis limit reached')}.`);
  return lines.join('\n');
}
