// Times of day are `HH:MM` on the 24-hour clock, from 00:00 to 23:59: `24:00`, `7:5` and
// `25:00` are errors. docs/language.md, "Round 2 additions > Time of day"
import { visit } from '../ast.js';
import type { Check } from './Check.js';
import { readTimeOfDay } from '../semantics/literals.js';

export const TimeOfDayCheck: Check = {
  name: 'TimeOfDayCheck',
  run({ file, report }) {
    visit(file, (node) => {
      // Example inputs are read (and reported) by ExampleCheck.
      if (node.kind === 'Example') return false;
      if (node.kind !== 'Time') return;
      const read = readTimeOfDay(node.text);
      if (!read.ok) report({ code: 'AX1029', severity: 'error', message: read.reason, span: node.span, ...(read.help ? { help: read.help } : {}) });
    });
  },
};
