import type { CompletionItem } from 'vscode-languageserver';
import { completion } from '../../src/features/completion.js';
import { policyNames } from '../../src/features/policyNames.js';
import { at } from './fixture.js';

/** Completion at the `|` of a fixture, with the names of the fixture itself. */
export function complete(fixture: string): CompletionItem[] {
  const cursor = at(fixture);
  return completion(cursor.text, cursor.offset, cursor.document.lines, policyNames(cursor.document));
}

export function labels(fixture: string): string[] {
  return complete(fixture).map((item) => item.label);
}
