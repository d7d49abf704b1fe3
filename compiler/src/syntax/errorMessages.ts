// Syntax error messages that read like the rest of our diagnostics: lower-case, user text in
// backticks, and the expected words named the way the language reference names them.
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';

/** What a person should be told is expected, for grammar rules where a token list would be noise. */
const EXPECTATIONS: Readonly<Record<string, string>> = {
  item: 'a declaration (`roles`, `sources`, `otherwise`, `on missing`), a `rule`, an `example` or the `policy` header',
  verdict: '`allow`, `flag`, `block` or `require ROLE`',
  approval: 'an approver: a role, `approval from ROLE` or `N approvals from ROLE`',
  ruleDecl: 'a rule statement: `allow refunds ...`, `flag refunds ...`, `block refunds ...` or `refunds ... require ROLE`',
  subject: 'a field such as `amount`, `charge amount`, `customer tenure`, `reason`, `source` or `metadata.KEY`',
  comparator: 'a comparison: `over`, `under`, `at least`, `at most`, `up to`, `between`, `is`, `is not`, `in` or `not in`',
  amountComparator: '`over`, `under`, `at least`, `at most` or `up to`',
  value: 'a value: `$150`, `150 EUR`, `30 days`, `3`, `80%`, a name or a quoted string',
  notCondition: 'a condition such as `amount over $100`',
  qualifier: 'a qualifier: `over $150`, `from ai_agent`, `for merchant acct_...` or `in EUR`',
  versionValue: 'a version number',
  exampleField: 'an input field such as `amount: $220`',
};

export function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return 'the end of the file';
  return `\`${token.image}\``;
}

function label(type: TokenType): string {
  return type.LABEL ?? type.name;
}

function list(labels: string[]): string {
  const unique = [...new Set(labels)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

export const policyErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    // Only the top level expects the end of the file: what may come there is another item.
    if (expected === EOF) return `expected ${EXPECTATIONS['item']}, found ${describeToken(actual)}`;
    return `expected ${label(expected)}, found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const expected = EXPECTATIONS[ruleName] ?? list(expectedPathsPerAlt.flat().map((path) => (path[0] ? label(path[0]) : '')));
    return `expected ${expected}, found ${describeToken(actual[0]!)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const expected = EXPECTATIONS[ruleName] ?? list(expectedIterationPaths.map((path) => (path[0] ? label(path[0]) : '')));
    return `expected ${expected}, found ${describeToken(actual[0]!)}`;
  },
};
