import { expect, it } from 'vitest';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from '../src/features/semanticTokens.js';
import { policyDocument } from '../src/PolicyDocument.js';

/** Decodes LSP's relative encoding into `text:type[:modifier]` per token. */
function decode(text: string): string[] {
  const document = policyDocument(text);
  const data = semanticTokens(document).data;
  const out: string[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [deltaLine, deltaStart, length, type, modifiers] = data.slice(i, i + 5) as [number, number, number, number, number];
    line += deltaLine;
    character = deltaLine === 0 ? character + deltaStart : deltaStart;
    const start = document.offsetAt({ line, character });
    const modifier = SEMANTIC_TOKENS_LEGEND.tokenModifiers.filter((_, bit) => modifiers & (1 << bit));
    out.push([text.slice(start, start + length), SEMANTIC_TOKENS_LEGEND.tokenTypes[type], ...modifier].join(':'));
  }
  return out;
}

it('tells roles, rules, sources and symbols apart from keywords', () => {
  const text = `policy "p" version 1 # header
roles support_lead < cfo
sources ai_agent
rule block:
  refunds from ai_agent over $150 when reason is missing require cfo
example "e" { amount: $200 } expect pending_approval by block
`;
  expect(decode(text)).toEqual([
    'policy:keyword',
    '"p":string',
    'version:keyword',
    '1:number',
    '# header:comment',
    'roles:keyword',
    'support_lead:type:declaration',
    '<:operator',
    'cfo:type:declaration',
    'sources:keyword',
    'ai_agent:enumMember:declaration',
    'rule:keyword',
    'block:function:declaration',
    'refunds:keyword',
    'from:keyword',
    'ai_agent:enumMember',
    'over:operator',
    '$150:number',
    'when:keyword',
    'reason:property',
    'is:operator',
    'missing:enumMember',
    'require:keyword',
    'cfo:type',
    'example:keyword',
    '"e":string',
    'amount:property',
    '$200:number',
    'expect:keyword',
    'pending_approval:enumMember',
    'by:keyword',
    'block:function',
  ]);
});

it('marks multi-word subjects, windows and units', () => {
  const text = 'policy "p" version 1\nrule r:\n  flag refunds when customer refunds in last 30 days at least 3 and charge age over 48 hours\n';
  expect(decode(text).slice(9)).toEqual([
    'customer:property',
    'refunds:property',
    'in:property',
    'last:property',
    '30:number',
    'days:property',
    'at:operator',
    'least:operator',
    '3:number',
    'and:operator',
    'charge:property',
    'age:property',
    'over:operator',
    '48:number',
    'hours:keyword',
  ]);
});

it('classifies whatever the text holds', () => {
  expect(decode('rule rule rule: "unclosed\n@@ 12 ) over')).toEqual(['rule:keyword', 'rule:keyword', 'rule:keyword', '"unclosed:string', '12:number', 'over:operator']);
});
