// Hover: what the thing under the cursor means. A money literal shows its currency and minor
// units; a subject, the request field it reads, its type and unit; a role, its seniority and
// the rules that require it; a rule, its outcome, a plain-English summary and its history
// hit counts; an example, whether it passes; a keyword, its one-line documentation.
import { formatMoney, minorUnits } from '@axiru/runtime';
import { lex, nodesAt, readDuration, readMoney, readTimeOfDay, seniorsOf, rankOf, subjectInfo, visit, type Node, type RuleDecl } from '@axiru/compiler';
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { PolicyDocument } from '../PolicyDocument.js';
import { hitsText, type HistoryView } from './historyText.js';
import { occurrenceAt, occurrencesOfSymbol, type Occurrence } from './occurrences.js';
import { ruleSummary } from './ruleSummary.js';
import { KEYWORD_DOCS, SUBJECTS } from './vocabulary.js';

export function hover(document: PolicyDocument, position: Position, history: HistoryView = { state: 'unconfigured' }): Hover | null {
  const offset = document.offsetAt(position);
  const occurrence = occurrenceAt(document.occurrences, offset);
  if (occurrence) return { contents: markdown(symbolHover(document, occurrence, history)), range: document.rangeOf(occurrence.span) };

  const nodes = nodesAt(document.file, offset);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const text = nodeHover(document, nodes[i]!, nodes[i - 1]);
    if (text) return { contents: markdown(text), range: document.rangeOf(nodes[i]!.span) };
  }
  return keywordHover(document, position);
}

function markdown(value: string) {
  return { kind: MarkupKind.Markdown, value };
}

function symbolHover(document: PolicyDocument, occurrence: Occurrence, history: HistoryView): string {
  switch (occurrence.kind) {
    case 'role':
      return roleHover(document, occurrence.name);
    case 'rule': {
      const rule = document.scope.rules.get(occurrence.name);
      return rule ? ruleHover(document, rule, history) : `**rule** \`${occurrence.name}\` — not defined in this policy`;
    }
    case 'source': {
      const { scope } = document;
      if (!scope.sources.has(occurrence.name)) return `**source** \`${occurrence.name}\` — not declared`;
      const uses = occurrencesOfSymbol(document.occurrences, occurrence).filter((o) => !o.declaration).length;
      return `**source** \`${occurrence.name}\` — ${scope.sourcesDeclared ? 'declared' : 'a default source (no `sources` line)'}, used ${uses} time${uses === 1 ? '' : 's'}`;
    }
  }
}

function roleHover(document: PolicyDocument, name: string): string {
  const { scope, file } = document;
  if (!scope.roles.has(name)) return `**role** \`${name}\` — not declared: add it to a \`roles\` line`;
  const seniors = [...seniorsOf(scope, name)].sort((a, b) => rankOf(scope, a) - rankOf(scope, b) || a.localeCompare(b));
  const lines = [`**role** \`${name}\` — rank ${rankOf(scope, name)}${seniors.length === 0 ? ', most senior' : ''}`];
  lines.push(seniors.length > 0 ? `Approvals it can give may also come from: ${seniors.map((s) => `\`${s}\``).join(', ')}.` : 'No role is senior to it.');
  const requiring = file.items.filter(
    (item): item is RuleDecl => item.kind === 'Rule' && item.name !== null && (item.statement?.approval?.roles.some((r) => r.text === name) ?? false),
  );
  if (requiring.length > 0) {
    lines.push(`Required by ${requiring.length} rule${requiring.length === 1 ? '' : 's'}:`);
    for (const rule of requiring) lines.push(`- \`${rule.name!.text}\` (line ${document.positionAt(rule.span.start).line + 1})`);
  } else {
    lines.push('No rule requires it.');
  }
  const verdicts = [
    ...scope.otherwise.filter((d) => d.verdict?.approval?.roles.some((r) => r.text === name)).map(() => '`otherwise`'),
    ...scope.onMissing.filter((d) => d.verdict?.approval?.roles.some((r) => r.text === name)).map(() => '`on missing`'),
  ];
  if (verdicts.length > 0) lines.push(`Also required by ${verdicts.join(' and ')}.`);
  return lines.join('\n\n');
}

function ruleHover(document: PolicyDocument, rule: RuleDecl, history: HistoryView): string {
  const summary = ruleSummary(rule, document.compiled.ir);
  const lines = [`**rule** \`${rule.name?.text ?? ''}\`${summary.outcome ? ` → \`${summary.outcome}\`` : ''}`, summary.sentence];
  if (summary.reason) lines.push(`Reason: “${summary.reason}”`);
  const id = rule.name?.text;
  if (id) {
    switch (history.state) {
      case 'ready':
        lines.push(`History: ${hitsText(history.report, id)}${history.stale ? ' (for the last version that compiled)' : ''}`);
        break;
      case 'pending':
        lines.push('History: replaying…');
        break;
      case 'failed':
      case 'unavailable':
        lines.push(`History: ${history.message}`);
        break;
      case 'unconfigured':
      case 'starting':
        break;
    }
  }
  return lines.join('\n\n');
}

function nodeHover(document: PolicyDocument, node: Node, parent: Node | undefined): string | null {
  switch (node.kind) {
    case 'Money': {
      const read = readMoney(node);
      if (!read.ok) return `**money** — ${read.reason}`;
      const { currency, minor } = read.value;
      const decimals = minorUnits(currency);
      return `**money** ${formatMoney(minor, currency)} — ${currency}, ${minor} minor unit${minor === 1 ? '' : 's'} (${decimals === 0 ? 'no minor unit' : `${decimals} decimal${decimals === 1 ? '' : 's'}`})\n\nNever matches a refund in another currency.`;
    }
    case 'Number': {
      if (!node.unit || !/^(day|days|hour|hours)$/.test(node.unit.text)) return null;
      const read = readDuration(node);
      return read.ok ? `**duration** ${node.digits} ${node.unit.text} — ${read.value} hour${read.value === 1 ? '' : 's'}; compared exactly in hours` : `**duration** — ${read.reason}`;
    }
    case 'Percent':
      return `**percent** ${node.digits}% — compared exactly: \`x × 100\` against \`${node.digits} × y\`, no rounding`;
    case 'Subject':
      return subjectHover(node);
    case 'Time': {
      const read = readTimeOfDay(node.text);
      if (!read.ok) return `**time of day** — ${read.reason}`;
      return `**time of day** ${node.text} — minute ${read.value} of the day, on the clock of the policy's time zone (\`${document.compiled.ir?.timezone ?? zoneOf(document)}\`); compared at minute resolution`;
    }
    case 'Name':
      if ((parent?.kind === 'Comparison' && parent.list === node) || parent?.kind === 'ListsDecl') return listHover(document, node.text);
      return null;
    case 'String':
      if (parent?.kind === 'Example') return exampleHover(document, parent.span.start);
      if (parent?.kind === 'TimezoneDecl') {
        return `**time zone** \`${node.value}\` — \`local time\` and \`weekday\` are read on its clock. The server computes them from each refund's \`received_at\` and seals them with the decision, so a later change of the time-zone database never changes a sealed decision's replay.`;
      }
      return null;
    default:
      return null;
  }
}

function zoneOf(document: PolicyDocument): string {
  return document.scope.timezones[0]?.zone?.value ?? 'UTC';
}

function listHover(document: PolicyDocument, name: string): string {
  const declarations = document.scope.lists.get(name);
  if (!declarations) return `**list** \`${name}\` — not declared: add it to a \`lists\` line`;
  let uses = 0;
  visit(document.file, (node) => {
    if (node.kind === 'Comparison' && node.list?.text === name) uses++;
  });
  return [
    `**list** \`${name}\` — declared, tested ${uses} time${uses === 1 ? '' : 's'}`,
    "Its values are the organisation's data, kept by the server (`PUT /api/lists/" + name + "`), not part of the policy. Membership is exact, case-sensitive; a decision without the list is undecided and names `lists." + name + '` in `missing_fields`.',
  ].join('\n\n');
}

function subjectHover(subject: Extract<Node, { kind: 'Subject' }>): string | null {
  const info = subjectInfo(subject);
  if (!info) return `**unknown field** \`${subject.text}\` — subjects are: ${SUBJECTS.map((s) => `\`${s.phrase}\``).join(', ')}`;
  const doc = SUBJECTS.find((s) => s.key === subject.field);
  const unit = doc?.unit ? ` (${doc.unit})` : '';
  return `**${subject.text.replace(/\s+/g, ' ')}** — ${info.type}${unit}\n\nReads \`${info.field}\`: ${info.description}.`;
}

function exampleHover(document: PolicyDocument, start: number): string | null {
  const result = document.compiled.examples.find((e) => e.span.start === start);
  if (!result) return document.compiled.ir ? null : '**example** — runs once the policy compiles without errors';
  const actual = `${result.actual.outcome}${result.actual.matched_rule ? ` by \`${result.actual.matched_rule}\`` : ''}`;
  if (result.passed) return `**example passes** — ${actual}\n\n${result.actual.reason}`;
  const expected = `${result.expected.outcome}${result.expected.rule ? ` by \`${result.expected.rule}\`` : ''}`;
  return `**example fails** — expects ${expected}, the policy decides ${actual}\n\n${result.actual.reason}`;
}

/** Keywords are not in the syntax tree: lex the line (a token never spans lines) and look the word up. */
function keywordHover(document: PolicyDocument, position: Position): Hover | null {
  const line = document.lines.lineText(position.line);
  const token = lex(line).tokens.find((t) => t.startOffset <= position.character && position.character <= t.startOffset + t.image.length);
  if (!token || !/^[a-z]+$/.test(token.image)) return null;
  const doc = KEYWORD_DOCS[token.image];
  if (!doc || token.tokenType.name === 'Identifier') return null;
  return {
    contents: markdown(`**${token.image}** — ${doc}`),
    range: { start: { line: position.line, character: token.startOffset }, end: { line: position.line, character: token.startOffset + token.image.length } },
  };
}
