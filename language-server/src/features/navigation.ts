// Go to definition, find references, highlights and rename for roles, rules and sources, all
// from one table of occurrences (occurrences.ts). A policy is one file, so every answer stays
// in the document asked about.
import { Tokens } from '@axiru/compiler';
import { DocumentHighlightKind, ResponseError, ErrorCodes, type DocumentHighlight, type Location, type Position, type Range, type WorkspaceEdit } from 'vscode-languageserver';
import type { PolicyDocument } from '../PolicyDocument.js';
import { occurrenceAt, occurrencesOfSymbol, type Occurrence } from './occurrences.js';

export function definition(document: PolicyDocument, position: Position): Location[] {
  const target = occurrenceAt(document.occurrences, document.offsetAt(position));
  if (!target) return [];
  return declarationsOf(document, target).map((o) => ({ uri: document.uri, range: document.rangeOf(o.span) }));
}

export function references(document: PolicyDocument, position: Position, includeDeclaration: boolean): Location[] {
  const target = occurrenceAt(document.occurrences, document.offsetAt(position));
  if (!target) return [];
  return occurrencesOfSymbol(document.occurrences, target)
    .filter((o) => includeDeclaration || !o.declaration)
    .map((o) => ({ uri: document.uri, range: document.rangeOf(o.span) }));
}

export function documentHighlights(document: PolicyDocument, position: Position): DocumentHighlight[] {
  const target = occurrenceAt(document.occurrences, document.offsetAt(position));
  if (!target) return [];
  return occurrencesOfSymbol(document.occurrences, target).map((o) => ({
    range: document.rangeOf(o.span),
    kind: o.declaration ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  }));
}

/** Roles and rules can be renamed, and sources the policy declares (the defaults have no declaration to change). */
export function prepareRename(document: PolicyDocument, position: Position): { range: Range; placeholder: string } | null {
  const target = occurrenceAt(document.occurrences, document.offsetAt(position));
  if (!target || declarationsOf(document, target).length === 0) return null;
  return { range: document.rangeOf(target.span), placeholder: target.name };
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Every occurrence gets the new name. Refused, with a message for the user, when the name is
 * not a name, is reserved, or is already taken by another symbol of the same kind (the merge
 * would change what the policy means).
 */
export function rename(document: PolicyDocument, position: Position, newName: string): WorkspaceEdit {
  const target = occurrenceAt(document.occurrences, document.offsetAt(position));
  if (!target || declarationsOf(document, target).length === 0) {
    throw new ResponseError(ErrorCodes.InvalidRequest, 'only a declared role, rule or source can be renamed');
  }
  if (!NAME.test(newName)) throw new ResponseError(ErrorCodes.InvalidParams, `\`${newName}\` is not a name: use letters, digits and \`_\`, not starting with a digit`);
  if (Tokens.RESERVED_WORDS.includes(newName)) throw new ResponseError(ErrorCodes.InvalidParams, `\`${newName}\` is a reserved word`);
  if (newName !== target.name && document.occurrences.some((o) => o.kind === target.kind && o.name === newName && o.declaration)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `a ${target.kind} named \`${newName}\` already exists`);
  }
  const edits = occurrencesOfSymbol(document.occurrences, target).map((o) => ({ range: document.rangeOf(o.span), newText: newName }));
  return { changes: { [document.uri]: edits } };
}

function declarationsOf(document: PolicyDocument, target: Occurrence): Occurrence[] {
  return occurrencesOfSymbol(document.occurrences, target).filter((o) => o.declaration);
}
