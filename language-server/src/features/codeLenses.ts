// Code lenses: above each rule, how it would have decided real refund history ("matched 82 of
// 4,310 refunds in the last 90 days · $18,240 · would decide 61"); above each example, a
// "▶ run examples" action and whether it passes. Without a configured history, one lens says
// how to configure it. Lenses are computed whole (no resolve step): they are cheap, and the
// counts come from a replay that has already run (HitCounts.ts).
import type { CodeLens, Command } from 'vscode-languageserver';
import type { PolicyDocument } from '../PolicyDocument.js';
import { hitsText, type HistoryView } from './historyText.js';

/** Commands the lenses run. The VS Code extension implements the `axiru.*` ones. */
export const LENS_COMMANDS = {
  replay: 'axiru.replay',
  runExamples: 'axiru.runExamples',
  openSettings: 'workbench.action.openSettings',
} as const;

export function codeLenses(document: PolicyDocument, history: HistoryView): CodeLens[] {
  const lenses: CodeLens[] = [];
  const { file, ir, examples } = document.compiled;
  let first = true;
  for (const item of file.items) {
    if (item.kind === 'Rule' && item.name) {
      const range = document.rangeOf({ start: item.span.start, end: item.name.span.end });
      const command = ruleCommand(document.uri, item.name.text, history, first);
      if (command) lenses.push({ range, command });
      first = false;
    }
    if (item.kind === 'Example') {
      const range = document.rangeOf({ start: item.span.start, end: item.name?.span.end ?? item.span.start });
      lenses.push({ range, command: { title: '▶ run examples', command: LENS_COMMANDS.runExamples, arguments: [document.uri] } });
      const result = examples.find((e) => e.span.start === item.span.start);
      lenses.push({ range, command: { title: exampleTitle(result, ir !== null), command: '' } });
    }
  }
  return lenses;
}

function ruleCommand(uri: string, ruleId: string, history: HistoryView, first: boolean): Command | null {
  switch (history.state) {
    case 'starting':
      return null;
    case 'unconfigured':
      return first ? { title: 'hit counts: set axiru.history to a Stripe refund history (CSV or JSONL)', command: LENS_COMMANDS.openSettings, arguments: ['axiru.history'] } : null;
    case 'failed':
      return first ? { title: `hit counts unavailable: ${history.message}`, command: LENS_COMMANDS.openSettings, arguments: ['axiru.history'] } : null;
    case 'unavailable':
      return first ? { title: `hit counts: ${history.message}`, command: '' } : null;
    case 'pending':
      return { title: 'replaying history…', command: '' };
    case 'ready': {
      const known = ruleId in history.report.rules;
      const title = known ? hitsText(history.report, ruleId) : history.stale ? 'not in the last replay: fix the errors to replay' : hitsText(history.report, ruleId);
      return { title: history.stale && known ? `${title} (last version that compiled)` : title, command: LENS_COMMANDS.replay, arguments: [uri] };
    }
  }
}

function exampleTitle(result: PolicyDocument['compiled']['examples'][number] | undefined, compiled: boolean): string {
  if (!result) return compiled ? 'not run: its inputs have errors' : 'examples run once the policy has no errors';
  const actual = `${result.actual.outcome}${result.actual.matched_rule ? ` by ${result.actual.matched_rule}` : ''}`;
  if (result.passed) return `✓ passes: ${actual}`;
  const expected = `${result.expected.outcome}${result.expected.rule ? ` by ${result.expected.rule}` : ''}`;
  return `✗ fails: decides ${actual}, expected ${expected}`;
}
