// A display-only tokenizer for policy source: keywords, strings, money, numbers, comments and
// rule names, each wrapped in a span. It never decides anything; the compiler is the parser.

import type { ReactNode } from 'react';

const STRUCTURE = new Set(['policy', 'version', 'roles', 'sources', 'rule', 'example', 'expect', 'by', 'otherwise', 'on', 'because', 'when', 'unless']);
const OUTCOMES = new Set(['allow', 'flag', 'block', 'require', 'requires', 'approvals', 'approval']);
const WORDS = new Set([
  'refunds', 'and', 'or', 'not', 'missing', 'over', 'under', 'at', 'least', 'most', 'up', 'to', 'between', 'from', 'for',
  'merchants', 'merchant', 'in', 'is', 'of', 'last', 'amount', 'charge', 'customer', 'tenure', 'age', 'refunded', 'reason',
  'source', 'currency', 'metadata', 'days', 'day',
]);

const TOKEN = /(#[^\n]*)|("(?:[^"\\\n]|\\.)*"?)|([$€£¥][\d,]+(?:\.\d+)?|\d[\d,]*(?:\.\d+)?%?)|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)?)|(\s+|.)/g;

export function highlightPolicy(source: string): ReactNode[] {
  const out: ReactNode[] = [];
  let previousWord = '';
  let key = 0;
  for (const match of source.matchAll(TOKEN)) {
    const [text, comment, string, number, word] = match;
    let className: string | null = null;
    if (comment) className = 'tok-comment';
    else if (string) className = 'tok-string';
    else if (number) className = 'tok-number';
    else if (word) {
      if (previousWord === 'rule') className = 'tok-name';
      else if (STRUCTURE.has(word)) className = 'tok-keyword';
      else if (OUTCOMES.has(word)) className = 'tok-outcome';
      else if (WORDS.has(word)) className = 'tok-word';
      previousWord = word;
    }
    out.push(className ? <span key={key++} className={className}>{text}</span> : text);
  }
  return out;
}
