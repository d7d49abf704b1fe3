// Replay reports as text for people: what `axiru replay` prints.

import { formatMoney, type Outcome } from '@axiru/runtime';
import type { ReplayComparison } from './ReplayComparison.js';
import { OUTCOMES, type OutcomeTotals, type ReplayReport } from './ReplayReport.js';

export interface FormatOptions {
  readonly color?: boolean;
}

const OUTCOME_LABEL: Readonly<Record<Outcome, string>> = {
  allow: 'would allow',
  flag: 'would flag',
  pending_approval: 'would need approval',
  block: 'would block',
};

const OUTCOME_COLOR: Readonly<Record<Outcome, string>> = { allow: '32', flag: '36', pending_approval: '33', block: '31' };

const TOP_RULES = 10;

function painter(options: FormatOptions): (code: string, text: string) => string {
  return (code, text) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
}

const count = (n: number): string => n.toLocaleString('en-US');

/** `$1,200.00 · €90.00 · ¥5,000`, currencies in alphabetical order; `—` when there is none. */
export function formatAmounts(amounts: Readonly<Record<string, number>>): string {
  const parts = Object.keys(amounts)
    .sort()
    .map((currency) => formatMoney(amounts[currency] as number, currency));
  return parts.length === 0 ? '—' : parts.join(' · ');
}

/** `2026-03-01 14:02 UTC` from an ISO time. */
function when(iso: string | null): string {
  return iso === null ? '—' : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function percent(part: number, whole: number): string {
  if (whole === 0) return '';
  const p = (part * 100) / whole;
  return p === 0 ? '' : ` (${p < 0.1 ? '<0.1' : p.toFixed(1)}%)`;
}

function line(label: string, totals: OutcomeTotals, width = 30, share = ''): string {
  return `  ${label.padEnd(width)} ${count(totals.count).padStart(9)}${share}  ${formatAmounts(totals.amount)}`;
}

function badRows(report: ReplayReport, paint: (code: string, text: string) => string): string[] {
  if (report.bad_row_count === 0) return [];
  const shown = report.bad_rows.length;
  return [
    '',
    paint('1', `${count(report.bad_row_count)} row${report.bad_row_count === 1 ? '' : 's'} could not be read${shown < report.bad_row_count ? ` (the first ${shown} shown)` : ''}`),
    ...report.bad_rows.map((r) => `  ${r.file}:${r.line}: ${r.reason}`),
  ];
}

/** The full report of one policy over the history. */
export function formatReport(report: ReplayReport, options: FormatOptions = {}): string {
  const paint = painter(options);
  const out: string[] = [];
  out.push(paint('1', `${report.policy} ${report.policy_version} replayed over ${count(report.refunds)} refund${report.refunds === 1 ? '' : 's'}`) + (report.refunds > 0 ? `, ${when(report.from)} to ${when(report.to)}` : ''));
  if (report.refunds === 0) {
    out.push('  (no refund in the history to replay)');
    return [...out, ...badRows(report, paint)].join('\n');
  }

  out.push('', paint('1', `${'Outcome'.padEnd(32)} ${'refunds'.padStart(9)}  amount`));
  for (const outcome of OUTCOMES) {
    const totals = report.by_outcome[outcome];
    out.push(paint(totals.count > 0 ? OUTCOME_COLOR[outcome] : '2', line(OUTCOME_LABEL[outcome], totals)));
  }

  const roles = Object.keys(report.by_role);
  if (roles.length > 0) {
    out.push('', paint('1', 'Would need approval, by role'));
    for (const role of roles) out.push(line(role, report.by_role[role] as OutcomeTotals));
  }

  const rules = Object.entries(report.rules);
  const hit = rules.filter(([, h]) => h.matched > 0).sort(([a, x], [b, y]) => y.matched - x.matched || y.decided - x.decided || (a < b ? -1 : 1));
  out.push('', paint('1', `${'Top rules'.padEnd(32)} ${'matched'.padStart(9)} ${'decided'.padStart(9)}  ${'outcome'.padEnd(16)}  amount matched`));
  for (const [id, h] of hit.slice(0, TOP_RULES)) {
    out.push(`  ${id.padEnd(30)} ${count(h.matched).padStart(9)} ${count(h.decided).padStart(9)}  ${h.outcome.padEnd(16)}  ${formatAmounts(h.amount)}`);
  }
  if (hit.length > TOP_RULES) out.push(`  … and ${hit.length - TOP_RULES} more`);
  const never = rules.filter(([, h]) => h.matched === 0).map(([id]) => id);
  if (never.length > 0) out.push(paint('2', `  never matched: ${never.join(', ')}`));

  const { blocked, held, examples } = report.drift;
  out.push('', paint('1', 'Policy drift: refunds that happened, but this policy would have stopped'));
  if (blocked.count === 0 && held.count === 0) out.push('  none: every refund in the history passes this policy');
  else {
    out.push(line('would have been blocked', blocked, 30, percent(blocked.count, report.refunds)));
    out.push(line('would have waited for approval', held, 30, percent(held.count, report.refunds)));
    if (examples.length > 0) out.push('  for example:');
    for (const e of examples) out.push(`    ${e.id}  ${e.amount}  ${e.outcome === 'block' ? 'block' : 'approval'} by ${e.rule ?? '(otherwise)'}`);
  }

  out.push('', paint('1', 'The four numbers a CFO asks about'));
  out.push(`  ${'total refunded'.padEnd(30)} ${formatAmounts(report.cfo.refunded)}`);
  out.push(`  ${'would have needed approval'.padEnd(30)} ${formatAmounts(report.cfo.needed_approval)}`);
  out.push(`  ${'would have been blocked'.padEnd(30)} ${formatAmounts(report.cfo.blocked)}`);
  out.push(`  ${'bypassed any control'.padEnd(30)} ${count(report.cfo.bypassed)} of ${count(report.refunds)} refunds`);
  out.push(paint('2', '  (all of them: this history was made without Axiru, so no refund in it passed through a control)'));
  return [...out, ...badRows(report, paint)].join('\n');
}

/** How decisions change from one policy to the other over the same history. */
export function formatComparison(comparison: ReplayComparison, options: FormatOptions = {}): string {
  const paint = painter(options);
  const { before, after } = comparison;
  const out: string[] = [
    paint('1', `${before.policy} ${before.policy_version} -> ${after.policy} ${after.policy_version} over ${count(comparison.refunds)} refunds`) +
      (comparison.refunds > 0 ? `, ${when(before.from)} to ${when(before.to)}` : ''),
    comparison.changed === 0
      ? '  every refund is decided the same way'
      : `  ${count(comparison.changed)} refund${comparison.changed === 1 ? '' : 's'} decided differently${percent(comparison.changed, comparison.refunds)}`,
  ];
  for (const t of comparison.transitions) {
    const label = `${t.from} -> ${t.to}${t.detail === null ? '' : ` (${t.detail})`}`;
    out.push('', `  ${paint(OUTCOME_COLOR[t.to], label)}: ${count(t.count)}, ${formatAmounts(t.amount)}`);
    out.push(`      decided by: ${Object.entries(t.by_rule).map(([rule, n]) => `${rule} ${count(n)}`).join(', ')}`);
    out.push(paint('2', `      e.g. ${t.examples.join(', ')}`));
  }
  out.push('', paint('1', `${'Outcome'.padEnd(32)} ${before.policy_version.padStart(9)} ${after.policy_version.padStart(9)}`));
  for (const outcome of OUTCOMES) {
    out.push(`  ${OUTCOME_LABEL[outcome].padEnd(30)} ${count(before.by_outcome[outcome].count).padStart(9)} ${count(after.by_outcome[outcome].count).padStart(9)}`);
  }
  return [...out, ...badRows(before, paint)].join('\n');
}

/** Per policy of a pack, what it would have caught over the same history. */
export function formatPackReport(reports: readonly ReplayReport[], options: FormatOptions = {}): string {
  const paint = painter(options);
  const first = reports[0];
  if (first === undefined) return 'no policy in the pack';
  const out: string[] = [
    paint('1', `${reports.length} polic${reports.length === 1 ? 'y' : 'ies'} replayed over ${count(first.refunds)} refunds`) +
      (first.refunds > 0 ? `, ${when(first.from)} to ${when(first.to)}` : ''),
  ];
  for (const report of reports) {
    const { block, pending_approval: held, flag } = report.by_outcome;
    const caught = block.count + held.count + flag.count;
    out.push('', `${paint('1', `${report.policy} ${report.policy_version}`)}: would have caught ${count(caught)} refund${caught === 1 ? '' : 's'}${percent(caught, report.refunds)}`);
    out.push(paint(block.count > 0 ? OUTCOME_COLOR.block : '2', line('blocked', block, 20)));
    out.push(paint(held.count > 0 ? OUTCOME_COLOR.pending_approval : '2', line('held for approval', held, 20)));
    out.push(paint(flag.count > 0 ? OUTCOME_COLOR.flag : '2', line('flagged', flag, 20)));
    const top = Object.entries(report.rules)
      .filter(([, h]) => h.decided > 0 && h.outcome !== 'allow')
      .sort(([a, x], [b, y]) => y.decided - x.decided || (a < b ? -1 : 1))
      .slice(0, 3);
    if (top.length > 0) out.push(`  caught most by: ${top.map(([id, h]) => `${id} ${count(h.decided)}`).join(', ')}`);
  }
  return [...out, ...badRows(first, paint)].join('\n');
}
