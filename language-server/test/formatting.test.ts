import { expect, it } from 'vitest';
import { formatPolicy } from '@axiru/compiler';
import { formatting } from '../src/features/formatting.js';
import { policyDocument } from '../src/PolicyDocument.js';

const MESSY = `policy   "p"  version 1
roles  a<b
rule   r :   refunds   over $150
   require b      # why
`;

it('replaces the whole document with the compiler’s formatting', () => {
  const document = policyDocument(MESSY);
  const edits = formatting(document);
  expect(edits).toEqual([{ range: { start: { line: 0, character: 0 }, end: { line: 4, character: 0 } }, newText: formatPolicy(MESSY).text }]);
  expect(edits[0]!.newText).toBe('policy "p" version 1\n\nroles a < b\n\nrule r:\n  refunds over $150 require b      # why\n');
});

it('changes nothing in a formatted file', () => {
  expect(formatting(policyDocument(formatPolicy(MESSY).text!))).toEqual([]);
});

it('leaves a file with syntax errors alone', () => {
  expect(formatting(policyDocument('policy "p" version 1\nrule r: refunds ovr $1 require b\n'))).toEqual([]);
});
