// In `between A and B`, A is at most B (both ends inclusive): reversed bounds match nothing.
// docs/language.md#precise-rules-where-the-prose-above-could-be-read-two-ways
import { visit, type Value } from '../ast.js';
import type { Span } from '../diagnostics/Diagnostic.js';
import type { Check } from './Check.js';
import { readCount, readDuration, readMoney } from '../semantics/literals.js';
import { printValue } from '../format/printSyntax.js';

export const BetweenOrderCheck: Check = {
  name: 'BetweenOrderCheck',
  run({ file, report }) {
    visit(file, (node) => {
      const between =
        (node.kind === 'Comparison' && node.op === 'between') || (node.kind === 'AmountQualifier' && node.op === 'between');
      if (!between) return;
      const [low, high] = node.values;
      if (!low || !high) return;
      const a = magnitude(low);
      const b = magnitude(high);
      if (a === null || b === null || a.unit !== b.unit || a.value <= b.value) return;
      const swapSpan: Span = { start: low.span.start, end: high.span.end };
      report({
        code: 'AX1012',
        severity: 'error',
        message: `\`between ${printValue(low)} and ${printValue(high)}\` has its low end above its high end, so it matches nothing`,
        span: node.span,
        fixes: [{ title: 'Swap the bounds', span: swapSpan, replacement: `${printValue(high)} and ${printValue(low)}` }],
      });
    });
  },
};

function magnitude(value: Value): { value: number; unit: string } | null {
  if (value.kind === 'Money') {
    const read = readMoney(value);
    return read.ok ? { value: read.value.minor, unit: read.value.currency } : null;
  }
  if (value.kind === 'Number') {
    const duration = value.unit ? readDuration(value) : null;
    if (duration?.ok) return { value: duration.value, unit: 'hours' };
    const count = readCount(value);
    return count.ok ? { value: count.value, unit: 'count' } : null;
  }
  return null;
}
