import { expect, it } from 'vitest';
import { codeActions } from '../src/features/codeActions.js';
import { toLspDiagnostics } from '../src/features/diagnostics.js';
import { applyEdits } from './helpers/applyEdits.js';
import { at } from './helpers/fixture.js';

/** Quick fixes at the cursor, offered with the diagnostics the editor shows there. */
function fixesAt(fixture: string) {
  const { document, position } = at(fixture);
  const shown = toLspDiagnostics(document.compiled.diagnostics, document.lines, document.uri);
  return { document, actions: codeActions(document, { start: position, end: position }, shown) };
}

it('fixes a misspelt role with the compiler’s suggestion', () => {
  const { document, actions } = fixesAt('policy "p" version 1\nroles support_lead < finance_manager\nrule r:\n  refunds over $1 require finance_manger|\n');
  expect(actions).toHaveLength(1);
  const [action] = actions;
  expect(action).toMatchObject({ title: 'Change to `finance_manager`', kind: 'quickfix', isPreferred: true });
  expect(action!.diagnostics?.map((d) => d.code)).toEqual(['AX1003']);
  expect(applyEdits(document.text, action!.edit!.changes![document.uri]!, document.lines)).toContain('require finance_manager\n');
});

it('closes an unterminated string and swaps `between` bounds', () => {
  const string = fixesAt('policy "p" version 1\nrule r:\n  block refunds because "no end|\n');
  expect(string.actions.map((a) => a.title)).toEqual(['Close the string']);
  const between = fixesAt('policy "p" version 1\nrule r:\n  block refunds between $100| and $10\n');
  const swap = between.actions.find((a) => a.title === 'Swap the bounds')!;
  expect(applyEdits(between.document.text, swap.edit!.changes![between.document.uri]!, between.document.lines)).toContain('between $10 and $100');
});

it('offers nothing away from a fixable diagnostic', () => {
  expect(fixesAt('policy "p" version 1\n|roles a\nrule r:\n  refunds over $1 require b_\n').actions).toEqual([]);
});
