import { diffPolicies } from '../../analysis/index.js';
import type { Io } from '../Io.js';
import { UsageError } from '../readSource.js';
import { renderDiffMarkdown } from '../renderDiffMarkdown.js';
import { loadPolicyFile } from './loadPolicyFile.js';

/**
 * `axiru diff OLD NEW [--format text|json|markdown]` (`--json` is `--format json`): for every way a decision can change between two policies, one
 * concrete refund that changes that way (checked by evaluating both), or proof that the two
 * decide every refund alike. Exit 0 when equivalent, 1 when decisions change, like diff(1).
 */
export function diffCommand(oldPath: string, newPath: string, options: { json?: boolean; format?: string }, io: Io): number {
  const format = options.json ? 'json' : options.format ?? 'text';
  if (!['text', 'json', 'markdown'].includes(format)) throw new UsageError(`--format must be text, json or markdown, not \`${format}\``);
  if (options.json && options.format !== undefined && options.format !== 'json') throw new UsageError('--json is --format json: give one of them');
  const before = loadPolicyFile(oldPath, io);
  const after = loadPolicyFile(newPath, io);
  if (!before || !after) return 2;
  const diff = diffPolicies(before.ir, after.ir);
  if (format === 'json') {
    io.out(JSON.stringify(diff, null, 2));
  } else if (format === 'markdown') {
    io.out(renderDiffMarkdown(diff, { file: oldPath, version: before.policyVersion }, { file: newPath, version: after.policyVersion }));
  } else if (diff.equivalent) {
    io.out(`equivalent: ${before.policyVersion} and ${after.policyVersion} decide every refund the same way`);
  } else {
    for (const t of diff.transitions) {
      const label = t.detail ? `${t.from} -> ${t.to} (${t.detail})` : `${t.from} -> ${t.to}`;
      io.out(
        [
          label,
          `  example: ${JSON.stringify(t.example)}`,
          `  ${before.policyVersion}: ${t.before.outcome}${t.before.matched_rule ? ` by ${t.before.matched_rule}` : ''} — ${t.before.reason}`,
          `  ${after.policyVersion}: ${t.after.outcome}${t.after.matched_rule ? ` by ${t.after.matched_rule}` : ''} — ${t.after.reason}`,
        ].join('\n'),
      );
    }
    if (diff.inconclusive) io.out(`(not every change could be settled: ${diff.why ?? 'analysis limit reached'})`);
    io.out(`${diff.transitions.length} kind${diff.transitions.length === 1 ? '' : 's'} of change`);
  }
  return diff.equivalent ? 0 : 1;
}
