// The answer of POST /api/policies/impact, and how `axiru impact` shows it: as text for a
// terminal, or as Markdown ready to post as a pull-request comment.

import { formatMoney, type PolicyImpactReport } from '@axiru/runtime';

export type { Outcome } from '@axiru/runtime';
/** The answer of POST /api/policies/impact. */
export type ImpactAnswer = PolicyImpactReport;

/** What the report calls the candidate: its name and version from the file. */
export interface CandidateName {
  readonly file: string;
  readonly policy: string;
  readonly version: string;
}

/** How many changed refunds of each transition the text and Markdown list. */
export const REFUNDS_SHOWN = 10;

const count = (n: number) => n.toLocaleString('en-US');
const rule = (name: string | null) => name ?? 'otherwise';
const day = (iso: string) => iso.slice(0, 10);

function amounts(list: ImpactAnswer['transitions'][number]['amounts']): string {
  return list.length === 0 ? formatMoney(0, 'usd') : list.map((a) => formatMoney(a.amount_cents, a.currency)).join(' + ');
}

function against(impact: ImpactAnswer): string {
  return impact.against ? impact.against.version : 'what was decided';
}

export function impactText(impact: ImpactAnswer, name: CandidateName): string {
  const lines = [
    `${name.policy} ${name.version} (${name.file}) against ${against(impact)}, last ${impact.window.days} days (${impact.window.since} to ${impact.window.until})`,
    `${count(impact.evaluated)} decisions re-evaluated, ${count(impact.changed)} would change`,
  ];
  for (const t of impact.transitions) {
    lines.push('', t.text);
    for (const r of t.refunds.slice(0, REFUNDS_SHOWN)) {
      lines.push(`  ${r.received_at}  ${r.intent_id}  ${formatMoney(r.amount_cents, r.currency)}  ${rule(r.before_rule)} -> ${rule(r.after_rule)}`);
    }
    if (t.count > REFUNDS_SHOWN) lines.push(`  … and ${count(t.count - Math.min(REFUNDS_SHOWN, t.refunds.length))} more`);
  }
  lines.push('', 'rules (matched / decided):');
  const width = Math.max(0, ...impact.rules.map((r) => r.name.length));
  for (const r of impact.rules) lines.push(`  ${r.name.padEnd(width)}  ${count(r.matched)} / ${count(r.decided)}`);
  return lines.join('\n');
}

/** Markdown table cells: a pipe or a line break would end the cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function impactMarkdown(impact: ImpactAnswer, name: CandidateName): string {
  const out = [
    `### Axiru impact: \`${cell(name.policy)}\` ${name.version} against ${against(impact)}`,
    '',
    `\`${cell(name.file)}\` re-evaluated over **${count(impact.evaluated)}** refund decisions of the last ${impact.window.days} days `
      + `(${day(impact.window.since)} to ${day(impact.window.until)}): **${count(impact.changed)}** would be decided differently.`,
  ];
  if (impact.transitions.length > 0) {
    out.push('', '| change | refunds | amount |', '|---|---:|---:|');
    for (const t of impact.transitions) out.push(`| \`${t.from}\` → \`${t.to}\` | ${count(t.count)} | ${amounts(t.amounts)} |`);
    for (const t of impact.transitions) {
      const shown = t.refunds.slice(0, REFUNDS_SHOWN);
      out.push('', `<details><summary>${t.from} → ${t.to}: the ${shown.length === t.count ? count(t.count) : `newest ${shown.length} of ${count(t.count)}`} refunds</summary>`, '',
        '| received | intent | amount | before | after |', '|---|---|---:|---|---|');
      for (const r of shown) {
        out.push(`| ${r.received_at} | \`${r.intent_id}\` | ${formatMoney(r.amount_cents, r.currency)} | \`${cell(rule(r.before_rule))}\` | \`${cell(rule(r.after_rule))}\` |`);
      }
      out.push('', '</details>');
    }
  }
  out.push('', '<details><summary>Rules of the new policy</summary>', '', '| rule | matched | decided |', '|---|---:|---:|');
  for (const r of impact.rules) out.push(`| \`${cell(r.name)}\` | ${count(r.matched)} | ${count(r.decided)} |`);
  out.push('', '</details>', '', `<sub>IR ${impact.candidate.ir_hash}${impact.against ? ` against ${impact.against.version} (${impact.against.ir_hash})` : ''}</sub>`);
  return out.join('\n');
}
