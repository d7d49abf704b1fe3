// Inline fixtures with a cursor: `|` marks where the cursor is (the language never uses `|`).
import type { Position } from 'vscode-languageserver';
import { policyDocument, type PolicyDocument } from '../../src/PolicyDocument.js';

export interface Cursor {
  readonly text: string;
  readonly offset: number;
  readonly document: PolicyDocument;
  readonly position: Position;
}

export function at(fixture: string): Cursor {
  const offset = fixture.indexOf('|');
  if (offset < 0 || fixture.indexOf('|', offset + 1) >= 0) throw new Error('a fixture needs exactly one `|` cursor');
  const text = fixture.slice(0, offset) + fixture.slice(offset + 1);
  const document = policyDocument(text);
  return { text, offset, document, position: document.positionAt(offset) };
}

/** A small, valid policy to build fixtures on. */
export const HEADER = `policy "test" version 1
roles support_lead < finance_manager < cfo
`;
