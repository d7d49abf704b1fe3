// Phase 3: CST -> AST. The CST may be partial (error recovery inserts or skips tokens); every
// missing piece becomes null and is left for the syntax errors already reported, so lowering
// itself never reports and never throws.
import type { CstNode, IToken } from 'chevrotain';
import type * as A from '../ast.js';
import type { Span } from '../diagnostics/Diagnostic.js';
import { CURRENCY_SYMBOLS } from '@axiru/runtime';

type Element = CstNode | IToken;

function isToken(element: Element): element is IToken {
  return (element as IToken).image !== undefined;
}

function tokensOf(node: CstNode | undefined, key: string): IToken[] {
  return ((node?.children[key] ?? []) as Element[]).filter(isToken).filter(real);
}

function tokenOf(node: CstNode | undefined, key: string, index = 0): IToken | undefined {
  return tokensOf(node, key)[index];
}

function nodesOf(node: CstNode | undefined, key: string): CstNode[] {
  return ((node?.children[key] ?? []) as Element[]).filter((e): e is CstNode => !isToken(e));
}

function nodeOf(node: CstNode | undefined, key: string, index = 0): CstNode | undefined {
  return nodesOf(node, key)[index];
}

/** Tokens that recovery inserted have no position; they count as absent. */
function real(token: IToken): boolean {
  return Number.isFinite(token.startOffset) && token.startOffset >= 0 && !token.isInsertedInRecovery;
}

function tokenSpan(token: IToken): Span {
  return { start: token.startOffset, end: token.startOffset + token.image.length };
}

/** All real tokens under a node, in source order. */
function allTokens(node: CstNode): IToken[] {
  const out: IToken[] = [];
  const walk = (n: CstNode): void => {
    for (const list of Object.values(n.children) as Element[][]) {
      for (const element of list) {
        if (isToken(element)) {
          if (real(element)) out.push(element);
        } else walk(element);
      }
    }
  };
  walk(node);
  return out.sort((a, b) => a.startOffset - b.startOffset);
}

function nodeSpan(node: CstNode | undefined, fallback: Span): Span {
  return (node && realSpan(node)) ?? fallback;
}

/**
 * From the first to the last real token under a node. Memoized and built from the children's
 * spans, so lowering stays linear however deep conditions nest (walking every subtree again
 * at each level was quadratic).
 */
const spans = new WeakMap<CstNode, Span | null>();

function realSpan(node: CstNode): Span | null {
  // The parser tracks each node's offsets as it builds the tree (skipping tokens that recovery
  // inserted): use them when they are there, and walk the children only when they are not.
  const location = node.location;
  if (location && Number.isFinite(location.startOffset) && Number.isFinite(location.endOffset) && location.endOffset! >= location.startOffset) {
    return { start: location.startOffset, end: location.endOffset! + 1 };
  }
  const cached = spans.get(node);
  if (cached !== undefined) return cached;
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const list of Object.values(node.children) as Element[][]) {
    for (const element of list) {
      const span = isToken(element) ? (real(element) ? tokenSpan(element) : null) : realSpan(element);
      if (!span) continue;
      if (span.start < start) start = span.start;
      if (span.end > end) end = span.end;
    }
  }
  const span = start <= end ? { start, end } : null;
  spans.set(node, span);
  return span;
}

function name(token: IToken | undefined): A.Name | null {
  return token ? { kind: 'Name', text: token.image, span: tokenSpan(token) } : null;
}

/** The value of a string token, with escapes resolved; tolerates a missing closing quote. */
export function unquote(image: string): string {
  const body = image.endsWith('"') && image.length >= 2 ? image.slice(1, -1) : image.slice(1);
  return body.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

function stringLit(token: IToken | undefined): A.StringLit | null {
  return token ? { kind: 'String', value: unquote(token.image), span: tokenSpan(token) } : null;
}

const EMPTY: Span = { start: 0, end: 0 };

export function lowerFile(cst: CstNode, comments: readonly IToken[], textLength: number): A.PolicyFile {
  const items: A.Item[] = [];
  for (const item of nodesOf(cst, 'item')) {
    const lowered = lowerItem(item);
    if (lowered) items.push(lowered);
  }
  return {
    kind: 'File',
    items,
    comments: comments.map((c) => ({ kind: 'Comment', text: c.image, span: tokenSpan(c) })),
    span: { start: 0, end: textLength },
  };
}

function lowerItem(item: CstNode): A.Item | null {
  const [key, list] = Object.entries(item.children)[0] ?? [];
  const node = (list as Element[] | undefined)?.find((e): e is CstNode => !isToken(e));
  if (!node) return null;
  const span = nodeSpan(node, EMPTY);
  switch (key) {
    case 'header':
      return lowerHeader(node, span);
    case 'rolesDecl':
      return {
        kind: 'RolesDecl',
        chains: nodesOf(node, 'roleChain').map((chain) => tokensOf(chain, 'Identifier').map((t) => name(t)!)),
        span,
      };
    case 'sourcesDecl':
      return { kind: 'SourcesDecl', names: tokensOf(node, 'Identifier').map((t) => name(t)!), span };
    case 'listsDecl':
      return { kind: 'ListsDecl', names: tokensOf(node, 'Identifier').map((t) => name(t)!), span };
    case 'timezoneDecl':
      return { kind: 'TimezoneDecl', zone: stringLit(tokenOf(node, 'StringLiteral')), span };
    case 'otherwiseDecl':
      return { kind: 'OtherwiseDecl', verdict: lowerVerdict(nodeOf(node, 'verdict')), span };
    case 'onMissingDecl':
      return { kind: 'OnMissingDecl', verdict: lowerVerdict(nodeOf(node, 'verdict')), span };
    case 'ruleDecl':
      return lowerRule(node, span);
    case 'exampleDecl':
      return lowerExample(node, span);
    default:
      return null;
  }
}

function lowerHeader(node: CstNode, span: Span): A.Header {
  const versionNode = nodeOf(node, 'versionValue');
  const versionToken = versionNode ? allTokens(versionNode)[0] : undefined;
  return {
    kind: 'Header',
    name: stringLit(tokenOf(node, 'StringLiteral')),
    version: versionToken ? { text: versionToken.image, span: tokenSpan(versionToken) } : null,
    span,
  };
}

function lowerVerdict(node: CstNode | undefined): A.Verdict | null {
  if (!node) return null;
  const span = nodeSpan(node, EMPTY);
  for (const outcome of ['allow', 'flag', 'block'] as const) {
    if (tokenOf(node, capitalize(outcome))) return { kind: 'Verdict', outcome, approval: null, span };
  }
  const approval = lowerApproval(nodeOf(node, 'approval'));
  if (!tokenOf(node, 'RequireWord')) return null;
  return { kind: 'Verdict', outcome: 'require', approval, span };
}

function capitalize(word: string): string {
  return word[0]!.toUpperCase() + word.slice(1);
}

function lowerNameList(node: CstNode | undefined): { names: A.Name[]; separator: ',' | 'or' } {
  const names = tokensOf(node, 'Identifier').map((t) => name(t)!);
  // The first separator written decides how the formatter prints the list.
  const comma = tokenOf(node, 'Comma');
  const or = tokenOf(node, 'Or');
  const separator = or && (!comma || or.startOffset < comma.startOffset) ? 'or' : ',';
  return { names, separator };
}

function lowerApproval(node: CstNode | undefined): A.ApprovalReq | null {
  if (!node) return null;
  const list = lowerNameList(nodeOf(node, 'nameList'));
  const countToken = tokenOf(node, 'NumberLiteral');
  const plural = tokenOf(node, 'Approvals');
  const singular = tokenOf(node, 'Approval');
  const form: A.ApprovalReq['form'] = plural ? 'approvals_from' : singular ? 'approval_from' : 'roles';
  return {
    kind: 'Approval',
    count: countToken ? { text: countToken.image, span: tokenSpan(countToken) } : null,
    form,
    roles: list.names,
    separator: list.separator,
    span: nodeSpan(node, EMPTY),
  };
}

function lowerRule(node: CstNode, span: Span): A.RuleDecl {
  const verbNode = nodeOf(node, 'verbStatement');
  const requireNode = nodeOf(node, 'requireStatement');
  return {
    kind: 'Rule',
    name: name(tokenOf(node, 'Identifier')),
    statement: verbNode ? lowerVerbStatement(verbNode) : requireNode ? lowerRequireStatement(requireNode) : null,
    because: stringLit(tokenOf(node, 'StringLiteral')),
    span,
  };
}

function lowerVerbStatement(node: CstNode): A.Statement | null {
  const verbToken = tokenOf(node, 'Allow') ?? tokenOf(node, 'Flag') ?? tokenOf(node, 'Block');
  if (!verbToken) return null;
  return {
    kind: 'Statement',
    verb: verbToken.image as 'allow' | 'flag' | 'block',
    verbSpan: tokenSpan(verbToken),
    requireWord: null,
    qualifiers: lowerQualifiers(node),
    when: lowerClause(nodeOf(node, 'whenClause')),
    unless: nodesOf(node, 'unlessClause').map((u) => lowerUnless(u, false)),
    approval: null,
    span: nodeSpan(node, tokenSpan(verbToken)),
  };
}

function lowerRequireStatement(node: CstNode): A.Statement | null {
  const requireToken = tokenOf(node, 'RequireWord');
  const refundsToken = tokenOf(node, 'Refunds');
  if (!refundsToken) return null;
  const requireAt = requireToken?.startOffset ?? Number.POSITIVE_INFINITY;
  return {
    kind: 'Statement',
    verb: 'require',
    verbSpan: requireToken ? tokenSpan(requireToken) : tokenSpan(refundsToken),
    requireWord: requireToken ? (requireToken.image as 'require' | 'requires') : null,
    qualifiers: lowerQualifiers(node),
    when: lowerClause(nodeOf(node, 'whenClause')),
    unless: nodesOf(node, 'unlessClause').map((u) => lowerUnless(u, nodeSpan(u, EMPTY).start > requireAt)),
    approval: lowerApproval(nodeOf(node, 'approval')),
    span: nodeSpan(node, tokenSpan(refundsToken)),
  };
}

function lowerClause(node: CstNode | undefined): A.Condition | null {
  return node ? lowerCondition(nodeOf(node, 'condition')) : null;
}

function lowerUnless(node: CstNode, afterRequire: boolean): A.UnlessClause {
  return { kind: 'Unless', condition: lowerClause(node), afterRequire, span: nodeSpan(node, EMPTY) };
}

function lowerQualifiers(statement: CstNode): A.Qualifier[] {
  const out: A.Qualifier[] = [];
  for (const node of nodesOf(statement, 'qualifier')) {
    const span = nodeSpan(node, EMPTY);
    const amount = nodeOf(node, 'amountComparator');
    if (amount) {
      out.push({ kind: 'AmountQualifier', op: rangeOp(amount), values: present([lowerValue(nodeOf(amount, 'value'))]), span });
    } else if (tokenOf(node, 'Between')) {
      out.push({ kind: 'AmountQualifier', op: 'between', values: present(nodesOf(node, 'value').map(lowerValue)), span });
    } else if (tokenOf(node, 'From')) {
      out.push({ kind: 'SourceQualifier', ...lowerNameList(nodeOf(node, 'nameList')), span });
    } else if (tokenOf(node, 'For')) {
      const list = lowerNameList(nodeOf(node, 'nameList'));
      out.push({ kind: 'MerchantQualifier', plural: tokenOf(node, 'Merchants') !== undefined, ...list, span });
    } else if (tokenOf(node, 'In')) {
      const list = lowerNameList(nodeOf(node, 'nameList'));
      out.push({ kind: 'CurrencyQualifier', codes: list.names, separator: list.separator, span });
    }
  }
  return out;
}

function timeOp(node: CstNode): A.TimeOp | null {
  if (tokenOf(node, 'Before')) return 'before';
  if (tokenOf(node, 'After')) return 'after';
  if (tokenOf(node, 'At')) return 'at';
  return null;
}

function rangeOp(node: CstNode): A.RangeOp {
  if (tokenOf(node, 'Over')) return 'over';
  if (tokenOf(node, 'Under')) return 'under';
  if (tokenOf(node, 'Least')) return 'at_least';
  if (tokenOf(node, 'Most')) return 'at_most';
  return 'up_to';
}

function lowerCondition(node: CstNode | undefined): A.Condition | null {
  if (!node) return null;
  const operands = nodesOf(node, 'andCondition')
    .map(lowerAnd)
    .filter((c): c is A.Condition => c !== null);
  if (operands.length === 0) return null;
  if (operands.length === 1) return operands[0]!;
  return { kind: 'Or', operands, span: nodeSpan(node, EMPTY) };
}

function lowerAnd(node: CstNode): A.Condition | null {
  const operands = nodesOf(node, 'notCondition')
    .map(lowerNot)
    .filter((c): c is A.Condition => c !== null);
  if (operands.length === 0) return null;
  if (operands.length === 1) return operands[0]!;
  return { kind: 'And', operands, span: nodeSpan(node, EMPTY) };
}

function lowerNot(node: CstNode): A.Condition | null {
  const span = nodeSpan(node, EMPTY);
  if (tokenOf(node, 'Not')) return { kind: 'Not', operand: lowerNot(nodeOf(node, 'notCondition') as CstNode) ?? null, span };
  if (tokenOf(node, 'LParen')) return { kind: 'Paren', inner: lowerCondition(nodeOf(node, 'condition')), span };
  const comparison = nodeOf(node, 'comparison');
  return comparison ? lowerComparison(comparison) : null;
}

function lowerComparison(node: CstNode): A.Comparison | null {
  const subject = lowerSubject(nodeOf(node, 'subject'));
  const comparator = nodeOf(node, 'comparator');
  if (!subject || !comparator) return null;
  const span = nodeSpan(node, subject.span);
  const amount = nodeOf(comparator, 'amountComparator');
  if (amount) {
    return { kind: 'Comparison', subject, op: rangeOp(amount), values: present([lowerValue(nodeOf(amount, 'value'))]), span };
  }
  if (tokenOf(comparator, 'Between')) {
    const values = nodesOf(comparator, 'value').map(lowerValue);
    return { kind: 'Comparison', subject, op: 'between', values: present(values), span };
  }
  if (tokenOf(comparator, 'Is')) {
    const op = tokenOf(comparator, 'Not') ? 'is_not' : 'is';
    return { kind: 'Comparison', subject, op, values: present([lowerValue(nodeOf(comparator, 'value'))]), span };
  }
  const time = timeOp(comparator);
  if (time) return { kind: 'Comparison', subject, op: time, values: present([lowerValue(nodeOf(comparator, 'value'))]), span };
  if (tokenOf(comparator, 'List')) {
    const op = tokenOf(comparator, 'Not') ? 'not_in_list' : 'in_list';
    return { kind: 'Comparison', subject, op, values: [], list: name(tokenOf(comparator, 'Identifier')), span };
  }
  const list = nodeOf(comparator, 'valueList');
  const op = tokenOf(comparator, 'Not') ? 'not_in' : 'in';
  return { kind: 'Comparison', subject, op, values: present(nodesOf(list, 'value').map(lowerValue)), span };
}

function present<T>(values: (T | null)[]): T[] {
  return values.filter((v): v is T => v !== null);
}

export function lowerSubject(node: CstNode | undefined): A.Subject | null {
  if (!node) return null;
  const tokens = allTokens(node);
  if (tokens.length === 0) return null;
  const span = nodeSpan(node, EMPTY);
  const text = tokens.map((t) => t.image).join(' ');
  const base = { kind: 'Subject' as const, window: null, key: null, text, span };
  if (tokenOf(node, 'Charge')) {
    if (tokenOf(node, 'Amount')) return { ...base, field: 'charge_amount' };
    if (tokenOf(node, 'Age')) return { ...base, field: 'charge_age' };
    if (tokenOf(node, 'Refunded')) return { ...base, field: 'charge_refunded' };
    return { ...base, field: 'unknown' };
  }
  const velocity = nodeOf(node, 'velocityWindow');
  const window = velocity ? lowerWindow(velocity) : null;
  const noun = velocity ? (tokenOf(velocity, 'Refunds') ? 'refunds' : 'refunded') : null;
  if (tokenOf(node, 'Customer')) {
    if (tokenOf(node, 'Tenure')) return { ...base, field: 'customer_tenure' };
    if (velocity) return window ? { ...base, field: `customer_${noun!}`, window } : { ...base, field: 'unknown' };
    return { ...base, field: 'customer' };
  }
  if (tokenOf(node, 'Source') || tokenOf(node, 'Merchant')) {
    const scope = tokenOf(node, 'Source') ? 'source' : 'merchant';
    if (velocity) return window ? { ...base, field: `${scope}_${noun!}`, window } : { ...base, field: 'unknown' };
    return { ...base, field: scope };
  }
  if (tokenOf(node, 'Requested')) return tokenOf(node, 'By') ? { ...base, field: 'requested_by' } : { ...base, field: 'unknown' };
  if (tokenOf(node, 'Local')) return tokenOf(node, 'Time') ? { ...base, field: 'local_time' } : { ...base, field: 'unknown' };
  if (tokenOf(node, 'Weekday')) return { ...base, field: 'weekday' };
  const metadataKey = tokenOf(node, 'MetadataKey');
  if (metadataKey) return { ...base, field: 'metadata', key: { value: metadataKey.image.slice('metadata.'.length), bracketed: false } };
  if (tokenOf(node, 'Metadata')) {
    const key = tokenOf(node, 'StringLiteral');
    return key ? { ...base, field: 'metadata', key: { value: unquote(key.image), bracketed: true } } : { ...base, field: 'unknown' };
  }
  if (tokenOf(node, 'Amount')) return { ...base, field: 'amount' };
  if (tokenOf(node, 'Reason')) return { ...base, field: 'reason' };
  if (tokenOf(node, 'Currency')) return { ...base, field: 'currency' };
  return { ...base, field: 'unknown' };
}

function lowerWindow(node: CstNode): A.Subject['window'] {
  const amount = tokenOf(node, 'NumberLiteral');
  const unit = tokenOf(node, 'Identifier');
  if (!amount || !unit) return null;
  return { amount: amount.image, unit: name(unit)!, span: { start: amount.startOffset, end: unit.startOffset + unit.image.length } };
}

const ISO_CODE = /^[A-Z]{3}$/;

export function lowerValue(node: CstNode | undefined): A.Value | null {
  if (!node) return null;
  const span = nodeSpan(node, EMPTY);
  const money = tokenOf(node, 'MoneyLiteral');
  if (money) {
    const symbol = money.image[0]!;
    return { kind: 'Money', symbol, digits: money.image.slice(1), currency: CURRENCY_SYMBOLS[symbol] ?? '???', codeSpan: null, span };
  }
  const number = tokenOf(node, 'NumberLiteral');
  if (number) {
    const unit = tokenOf(node, 'Identifier');
    // `150 EUR`: an upper-case three-letter unit is a currency code (validated by the checker).
    if (unit && ISO_CODE.test(unit.image)) {
      return { kind: 'Money', symbol: null, digits: number.image, currency: unit.image, codeSpan: tokenSpan(unit), span };
    }
    return { kind: 'Number', digits: number.image, unit: name(unit), span };
  }
  const percent = tokenOf(node, 'PercentLiteral');
  if (percent) return { kind: 'Percent', digits: percent.image.slice(0, -1), of: lowerSubject(nodeOf(node, 'subject')), span };
  const time = tokenOf(node, 'TimeLiteral');
  if (time) return { kind: 'Time', text: time.image, span };
  const string = tokenOf(node, 'StringLiteral');
  if (string) return { kind: 'StringValue', value: unquote(string.image), span };
  const symbol = tokenOf(node, 'Identifier');
  if (symbol) return { kind: 'Symbol', name: symbol.image, span };
  return null;
}

function lowerExample(node: CstNode, span: Span): A.ExampleDecl {
  const identifiers = tokensOf(node, 'Identifier');
  const by = tokenOf(node, 'By');
  return {
    kind: 'Example',
    name: stringLit(tokenOf(node, 'StringLiteral')),
    input: lowerExampleObject(nodeOf(node, 'exampleObject')),
    expect: name(identifiers.find((t) => !by || t.startOffset < by.startOffset)),
    by: by ? name(identifiers.find((t) => t.startOffset > by.startOffset)) : null,
    span,
  };
}

function lowerExampleObject(node: CstNode | undefined): A.ExampleObject | null {
  if (!node) return null;
  const fields: A.ExampleField[] = [];
  for (const field of nodesOf(node, 'exampleField')) {
    const keyToken = tokenOf(field, 'Identifier') ?? tokenOf(field, 'StringLiteral') ?? tokenOf(field, 'ListsKey');
    if (!keyToken) continue;
    const key: A.Name = keyToken.image.startsWith('"')
      ? { kind: 'Name', text: unquote(keyToken.image), span: tokenSpan(keyToken) }
      : name(keyToken)!;
    const nested = nodeOf(field, 'exampleObject');
    const list = nodeOf(field, 'valueList');
    const value = nested
      ? lowerExampleObject(nested)
      : list
        ? { kind: 'ExampleList' as const, values: present(nodesOf(list, 'value').map(lowerValue)), span: nodeSpan(list, key.span) }
        : lowerValue(nodeOf(field, 'value'));
    fields.push({ kind: 'ExampleField', key, value, span: nodeSpan(field, key.span) });
  }
  return { kind: 'ExampleObject', fields, span: nodeSpan(node, EMPTY) };
}
