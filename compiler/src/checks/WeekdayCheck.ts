// `weekday` compares only with day names: `weekday is saturday`, `weekday in [saturday, sunday]`.
// docs/language.md, "Round 2 additions > Time of day"
import { WEEKDAYS } from '@axiru/runtime';
import { visit } from '../ast.js';
import type { Check } from './Check.js';
import { suggest } from '../semantics/suggest.js';

export const WeekdayCheck: Check = {
  name: 'WeekdayCheck',
  run({ file, report }) {
    visit(file, (node) => {
      if (node.kind !== 'Comparison' || node.subject.field !== 'weekday') return;
      for (const value of node.values) {
        const day = value.kind === 'Symbol' ? value.name : value.kind === 'StringValue' ? value.value : null;
        if (day === null || WEEKDAYS.includes(day)) continue; // other kinds of value: TypeCheck
        const guess = suggest(day.toLowerCase(), WEEKDAYS) ?? (WEEKDAYS.includes(day.toLowerCase()) ? day.toLowerCase() : null);
        report({
          code: 'AX1030',
          severity: 'error',
          message: guess ? `\`${day}\` is not a day of the week — did you mean \`${guess}\`?` : `\`${day}\` is not a day of the week`,
          span: value.span,
          help: `\`weekday\` is one of ${WEEKDAYS.map((d) => `\`${d}\``).join(', ')}`,
          ...(guess ? { fixes: [{ title: `Change to \`${guess}\``, span: value.span, replacement: guess }] } : {}),
        });
      }
    });
  },
};
