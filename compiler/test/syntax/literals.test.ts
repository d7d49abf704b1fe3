// Lexing literals as LANGUAGE.md defines them: "a grouping comma is followed by exactly three
// digits; any other comma separates list items"; `$ € £ ¥`; `N CODE`; minor units per ISO 4217.
import { describe, expect, test } from 'vitest';
import { compile, parse } from '@axiru/compiler';
import { lex } from '../../src/syntax/lex.js';
import { policy, summarize } from '../helpers/policies.js';

const images = (text: string) => lex(text).tokens.map((t) => `${t.tokenType.name}:${t.image}`);

function moneyIR(literal: string) {
  const result = compile(policy('rule r:', `  flag refunds when amount in [${literal}]`, 'otherwise flag'), { analysis: false });
  expect(result.diagnostics).toEqual([]);
  const condition = result.ir!.rules[0]!.condition;
  return condition.op === 'cmp' ? condition.value : condition.op === 'in' ? condition.values : null;
}

describe('money literals', () => {
  test.each([
    ['$150', { type: 'money', currency: 'USD', minor: 15000 }],
    ['$1,500.50', { type: 'money', currency: 'USD', minor: 150050 }],
    ['$1,000,000.50', { type: 'money', currency: 'USD', minor: 100000050 }],
    ['$0.5', { type: 'money', currency: 'USD', minor: 50 }],
    ['€90', { type: 'money', currency: 'EUR', minor: 9000 }],
    ['£40', { type: 'money', currency: 'GBP', minor: 4000 }],
    ['¥5000', { type: 'money', currency: 'JPY', minor: 5000 }],
    ['¥5,000', { type: 'money', currency: 'JPY', minor: 5000 }],
    ['150 EUR', { type: 'money', currency: 'EUR', minor: 15000 }],
    ['1,500 CNY', { type: 'money', currency: 'CNY', minor: 150000 }],
    ['1.250 KWD', { type: 'money', currency: 'KWD', minor: 1250 }],
    ['1.25 BHD', { type: 'money', currency: 'BHD', minor: 1250 }],
    ['5000 JPY', { type: 'money', currency: 'JPY', minor: 5000 }],
    ['5000 KRW', { type: 'money', currency: 'KRW', minor: 5000 }],
  ])('%s', (literal, value) => {
    expect(moneyIR(literal)).toEqual(value);
  });

  test('`$1,000,000.50` is one token', () => {
    expect(images('$1,000,000.50')).toEqual(['MoneyLiteral:$1,000,000.50']);
  });

  test('`$1,5` is `$1`, a list comma and `5`: a grouping comma takes exactly three digits', () => {
    expect(images('$1,5')).toEqual(['MoneyLiteral:$1', 'Comma:,', 'NumberLiteral:5']);
    expect(images('$1,0000')).toEqual(['MoneyLiteral:$1', 'Comma:,', 'NumberLiteral:0000']);
    expect(images('$1,000,00')).toEqual(['MoneyLiteral:$1,000', 'Comma:,', 'NumberLiteral:00']);
    expect(images('[$1,$2]')).toEqual(['LBracket:[', 'MoneyLiteral:$1', 'Comma:,', 'MoneyLiteral:$2', 'RBracket:]']);
    // So in a list, `$1,5` is two items, the second without a currency.
    const text = policy('rule r:', '  flag refunds when amount in [$1,5]');
    expect(summarize(text, compile(text).diagnostics).map((d) => [d.code, d.text])).toEqual([['AX1009', '5']]);
  });

  test('in a list, `$1,500` is one item and `$1, 500` two', () => {
    expect(moneyIR('$1,500')).toEqual({ type: 'money', currency: 'USD', minor: 150000 });
    expect(images('$1, 500')).toEqual(['MoneyLiteral:$1', 'Comma:,', 'NumberLiteral:500']);
  });

  test('`N CODE` takes an upper-case code; a lower-case word is a unit', () => {
    const text = policy('rule r:', '  flag refunds when amount over 150 eur');
    expect(compile(text).diagnostics.map((d) => d.code)).toEqual(['AX1009']);
  });

  test('JPY with decimals is an error, and so is KWD with four', () => {
    for (const [literal, message] of [
      ['¥5.5', 'JPY has no minor unit, so `5.5` cannot have decimals'],
      ['5.5 JPY', 'JPY has no minor unit, so `5.5` cannot have decimals'],
      ['1.2345 KWD', 'KWD has 3 decimals, `1.2345` has 4'],
    ]) {
      const text = policy('rule r:', `  flag refunds over ${literal}`);
      expect(summarize(text, compile(text).diagnostics)).toEqual([{ code: 'AX1014', message, text: literal }]);
    }
  });

  test('a currency symbol the language does not know is an unexpected character', () => {
    const text = policy('rule r:', '  flag refunds over ₹500');
    const [d] = compile(text).diagnostics;
    expect(d!.code).toBe('AX1000');
    expect(d!.message).toBe('unexpected character `₹`');
    expect(d!.help).toBe('money is written `$150`, `€90`, `£40`, `¥5000` or `150 EUR`');
  });

  test('the amounts are exact integers, never floating point', () => {
    expect(moneyIR('$0.29')).toEqual({ type: 'money', currency: 'USD', minor: 29 });
    expect(moneyIR('$1,234,567,890.99')).toEqual({ type: 'money', currency: 'USD', minor: 123456789099 });
  });
});

describe('other literals', () => {
  test('percentages, durations, counts, text and symbols', () => {
    expect(images('80% 30 days 1 day 48 hours 3 "quoted" duplicate_charge')).toEqual([
      'PercentLiteral:80%',
      'NumberLiteral:30',
      'Identifier:days',
      'NumberLiteral:1',
      'Identifier:day',
      'NumberLiteral:48',
      'Identifier:hours',
      'NumberLiteral:3',
      'StringLiteral:"quoted"',
      'Identifier:duplicate_charge',
    ]);
  });

  test('`metadata.KEY` is one token; keys may hold digits and dashes', () => {
    expect(images('metadata.order-id_2 metadata["k y"]')).toEqual([
      'MetadataKey:metadata.order-id_2',
      'Metadata:metadata',
      'LBracket:[',
      'StringLiteral:"k y"',
      'RBracket:]',
    ]);
  });

  test('comments run from `#` to the end of the line and are kept apart', () => {
    const lexed = lex('policy # a "comment" $5\n"p"');
    expect(lexed.tokens.map((t) => t.image)).toEqual(['policy', '"p"']);
    expect(lexed.comments.map((t) => t.image)).toEqual(['# a "comment" $5']);
  });

  test('a string may hold `#` and escaped quotes', () => {
    const parsed = parse('policy "a # b \\"c\\"" version 1\n');
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.file.comments).toEqual([]);
    const header = parsed.file.items[0]!;
    expect(header.kind === 'Header' && header.name!.value).toBe('a # b "c"');
  });
});
