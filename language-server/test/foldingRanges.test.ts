import { expect, it } from 'vitest';
import { foldingRanges } from '../src/features/foldingRanges.js';
import { policyDocument } from '../src/PolicyDocument.js';

const POLICY = `# Acme refund policy.
# Owned by finance.
policy "p" version 1
roles a < b

rule r:
  refunds over $150
  require b

rule one_line: block refunds over $9000

example "e" {
  amount: $200,
  metadata: {
    ticket: "Z-1"
  }
} expect pending_approval
`;

it('folds multi-line rules, examples, their objects and comment blocks, once per line', () => {
  expect(foldingRanges(policyDocument(POLICY))).toEqual([
    { startLine: 0, endLine: 1, kind: 'comment' },
    { startLine: 5, endLine: 7 },
    { startLine: 11, endLine: 16 },
    { startLine: 13, endLine: 15 },
  ]);
});
