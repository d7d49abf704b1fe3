// The TextMate grammar, tokenized by the same engine VS Code uses (vscode-textmate with the
// Oniguruma regex library), over fixtures: snapshots of every token's scopes, and checks that
// every character of every valid policy gets a meaning.
import { readFileSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { grammarFromYaml } from '../scripts/build.mjs';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const fixtures = [
  root('vscode-extension/test/fixtures/every-token.axiru'),
  root('vscode-extension/test/fixtures/round2.axiru'),
  ...readdirSync(root('examples')).filter((f) => f.endsWith('.axiru')).map((f) => root(`examples/${f}`)),
];

let grammar: textmate.IGrammar;

beforeAll(async () => {
  await oniguruma.loadWASM(readFileSync(root('node_modules/vscode-oniguruma/release/onig.wasm')).buffer as ArrayBuffer);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (sources) => new oniguruma.OnigScanner(sources), createOnigString: (text) => new oniguruma.OnigString(text) }),
    loadGrammar: async (scopeName) => (scopeName === 'source.axiru' ? (grammarFromYaml() as textmate.IRawGrammar) : null),
  });
  const loaded = await registry.loadGrammar('source.axiru');
  if (!loaded) throw new Error('the grammar did not load');
  grammar = loaded;
});

interface Token {
  readonly text: string;
  readonly scopes: readonly string[];
}

function tokenize(text: string): Token[][] {
  let state = textmate.INITIAL;
  return text.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes.slice(1) }));
  });
}

/** One line of source, then each of its tokens with its scopes: a snapshot people can read. */
function render(text: string): string {
  return tokenize(text)
    .map((tokens, n) => {
      const line = tokens.map((t) => t.text).join('');
      const shown = tokens.filter((t) => t.text.trim() !== '').map((t) => `    ${JSON.stringify(t.text)} ${t.scopes.join(' ') || '(none)'}`);
      return [`${n + 1}: ${line}`, ...shown].join('\n');
    })
    .join('\n');
}

/** The scopes of the first token whose text is `word` on the line containing `context`. */
function scopesOf(text: string, context: string, word: string): readonly string[] {
  const lines = text.split('\n');
  const n = lines.findIndex((l) => l.includes(context));
  const token = tokenize(text)[n]?.find((t) => t.text.trim() === word);
  if (!token) throw new Error(`no ${word} on the line of ${context}`);
  return token.scopes;
}

describe('snapshots', () => {
  it.each(fixtures.map((f) => [basename(f), f]))('%s', async (name, file) => {
    await expect(render(readFileSync(file, 'utf8'))).toMatchFileSnapshot(`__snapshots__/${name}.tokens`);
  });
});

describe('every token of the language', () => {
  it.each(fixtures.map((f) => [basename(f), f]))('gives every character of %s a meaning', (_, file) => {
    const bare = tokenize(readFileSync(file, 'utf8'))
      .flat()
      .filter((t) => t.text.trim() !== '' && (t.scopes.length === 0 || t.scopes.some((s) => s.startsWith('invalid'))));
    expect(bare).toEqual([]);
  });

  it('tells declarations, roles, sources and rules apart', () => {
    const text = readFileSync(fixtures[0]!, 'utf8');
    expect(scopesOf(text, 'roles support_lead', 'finance_manager')).toEqual(['entity.name.type.role.axiru']);
    expect(scopesOf(text, 'roles support_lead', '<')).toEqual(['keyword.operator.seniority.axiru']);
    expect(scopesOf(text, 'sources support_tool', 'automation')).toEqual(['variable.other.constant.source.axiru']);
    expect(scopesOf(text, 'rule block:', 'block')).toEqual(['entity.name.function.rule.axiru']);
    expect(scopesOf(text, 'block refunds when amount over 100%', 'block')).toEqual(['keyword.other.outcome.axiru']);
    expect(scopesOf(text, 'require approval from', 'risk_team')).toEqual(['entity.name.type.role.axiru']);
    expect(scopesOf(text, 'from ai_agent or automation', 'automation')).toEqual(['variable.other.constant.source.axiru']);
    expect(scopesOf(text, 'for merchants', 'acct_2')).toEqual(['variable.other.constant.merchant.axiru']);
    expect(scopesOf(text, '} expect pending_approval', 'amounts')).toEqual(['entity.name.function.rule.axiru']);
  });

  it('reads literals, subjects and comparators', () => {
    const text = readFileSync(fixtures[0]!, 'utf8');
    expect(scopesOf(text, 'refunds over $150 under', '€2,500.50')).toEqual(['constant.numeric.money.axiru']);
    expect(scopesOf(text, 'refunds over $150 under', 'EUR')).toEqual(['constant.other.currency.axiru']);
    expect(scopesOf(text, 'customer tenure under 30', 'customer tenure')).toEqual(['variable.other.subject.axiru']);
    expect(scopesOf(text, 'customer tenure under 30', 'days')).toEqual(['keyword.other.unit.axiru']);
    expect(scopesOf(text, 'charge refunded over 50%', '50%')).toEqual(['constant.numeric.percent.axiru']);
    expect(scopesOf(text, 'metadata.ticket_id is', 'metadata.ticket_id')).toEqual(['variable.other.subject.metadata.axiru']);
    expect(scopesOf(text, 'unless source in', 'not in')).toEqual(['keyword.operator.comparison.axiru']);
    expect(scopesOf(text, 'unless source in', 'partner-portal')).toEqual(['string.quoted.double.axiru']);
  });

  it('reads the round 2 additions: lists, velocity, time of day, who asked', () => {
    const text = readFileSync(fixtures[1]!, 'utf8');
    expect(scopesOf(text, 'timezone "Europe', 'timezone')).toEqual(['keyword.other.timezone.axiru']);
    expect(scopesOf(text, 'timezone "Europe', '"Europe/Berlin"')).toEqual(['string.quoted.double.timezone.axiru']);
    expect(scopesOf(text, 'lists vip_customers', 'lists')).toEqual(['keyword.other.lists.axiru']);
    expect(scopesOf(text, 'lists vip_customers', 'trainees')).toEqual(['variable.other.constant.list.axiru']);
    expect(scopesOf(text, 'source refunded in last 1 hour', 'source refunded in last')).toEqual(['variable.other.subject.axiru']);
    expect(scopesOf(text, 'source refunded in last 1 hour', 'hour')).toEqual(['keyword.other.unit.axiru']);
    expect(scopesOf(text, 'unless customer in list', 'in list')).toEqual(['keyword.operator.comparison.axiru']);
    expect(scopesOf(text, 'unless customer in list', 'vip_customers')).toEqual(['variable.other.constant.list.axiru']);
    expect(scopesOf(text, 'requested by not in list', 'requested by')).toEqual(['variable.other.subject.axiru']);
    expect(scopesOf(text, 'requested by not in list', 'not in list')).toEqual(['keyword.operator.comparison.axiru']);
    expect(scopesOf(text, 'local time between 22:00', 'local time')).toEqual(['variable.other.subject.axiru']);
    expect(scopesOf(text, 'local time between 22:00', '22:00')).toEqual(['constant.numeric.time.axiru']);
    expect(scopesOf(text, 'local time between 22:00', 'weekday')).toEqual(['variable.other.subject.axiru']);
    expect(scopesOf(text, 'local time after 12:00', 'after')).toEqual(['keyword.operator.comparison.axiru']);
    expect(scopesOf(text, 'local time after 12:00', 'before')).toEqual(['keyword.operator.comparison.axiru']);
    expect(scopesOf(text, 'local time after 12:00', 'at')).toEqual(['keyword.operator.comparison.axiru']);
    expect(scopesOf(text, 'lists.trainees: [ann', 'lists.trainees')).toEqual(['meta.example-input.axiru', 'variable.other.property.input.axiru']);
    expect(scopesOf(text, 'lists.trainees: [ann', '14:30')).toEqual(['meta.example-input.axiru', 'constant.numeric.time.axiru']);
  });

  it('ends an unterminated string with its line', () => {
    const lines = tokenize('rule r:\n  block refunds because "no end\nrule s:');
    expect(lines[2]![0]).toEqual({ text: 'rule', scopes: ['keyword.other.rule.axiru'] });
  });

  it('marks characters the language does not have', () => {
    expect(tokenize('rule r:\n  block refunds over @5')[1]!.find((t) => t.text === '@')?.scopes).toEqual(['invalid.illegal.character.axiru']);
  });
});
