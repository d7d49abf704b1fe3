// The typed syntax tree: what lower.ts makes of the CST. Every node carries the source span it
// came from (offsets). Nodes are readonly and discriminated by `kind`; `children()` gives the
// generic traversal that the formatter, the checks, hover and node-at-offset all share.
import type { Span } from './diagnostics/Diagnostic.js';

export interface Name {
  readonly kind: 'Name';
  readonly text: string;
  readonly span: Span;
}

export interface StringLit {
  readonly kind: 'String';
  /** The unescaped value. */
  readonly value: string;
  readonly span: Span;
}

export interface PolicyFile {
  readonly kind: 'File';
  readonly items: readonly Item[];
  readonly comments: readonly Comment[];
  readonly span: Span;
}

export interface Comment {
  readonly kind: 'Comment';
  /** Including the leading `#`. */
  readonly text: string;
  readonly span: Span;
}

export type Item = Header | RolesDecl | SourcesDecl | ListsDecl | TimezoneDecl | OtherwiseDecl | OnMissingDecl | RuleDecl | ExampleDecl;

export interface Header {
  readonly kind: 'Header';
  readonly name: StringLit | null;
  /** As written; checked to be a positive integer. */
  readonly version: { readonly text: string; readonly span: Span } | null;
  readonly span: Span;
}

export interface RolesDecl {
  readonly kind: 'RolesDecl';
  /** `a < b < c, d` is two chains: [a, b, c] and [d]. */
  readonly chains: readonly (readonly Name[])[];
  readonly span: Span;
}

export interface SourcesDecl {
  readonly kind: 'SourcesDecl';
  readonly names: readonly Name[];
  readonly span: Span;
}

/** `lists vip_customers, trainees`: names of the organisation's lists the policy reads. */
export interface ListsDecl {
  readonly kind: 'ListsDecl';
  readonly names: readonly Name[];
  readonly span: Span;
}

/** `timezone "Europe/Berlin"`: the zone of `local time` and `weekday`. */
export interface TimezoneDecl {
  readonly kind: 'TimezoneDecl';
  readonly zone: StringLit | null;
  readonly span: Span;
}

export interface OtherwiseDecl {
  readonly kind: 'OtherwiseDecl';
  readonly verdict: Verdict | null;
  readonly span: Span;
}

export interface OnMissingDecl {
  readonly kind: 'OnMissingDecl';
  readonly verdict: Verdict | null;
  readonly span: Span;
}

export interface Verdict {
  readonly kind: 'Verdict';
  readonly outcome: 'allow' | 'flag' | 'block' | 'require';
  /** Present iff outcome is `require`. */
  readonly approval: ApprovalReq | null;
  readonly span: Span;
}

export interface ApprovalReq {
  readonly kind: 'Approval';
  /** `2 approvals from cfo` has count 2; `approval from x` and `require x` have no count (1). */
  readonly count: { readonly text: string; readonly span: Span } | null;
  /** Which words were used, so the formatter prints what the author wrote. */
  readonly form: 'roles' | 'approval_from' | 'approvals_from';
  readonly roles: readonly Name[];
  /** `,` or `or` between roles, as written. */
  readonly separator: ',' | 'or';
  readonly span: Span;
}

export interface RuleDecl {
  readonly kind: 'Rule';
  readonly name: Name | null;
  readonly statement: Statement | null;
  readonly because: StringLit | null;
  readonly span: Span;
}

export interface Statement {
  readonly kind: 'Statement';
  readonly verb: 'allow' | 'flag' | 'block' | 'require';
  readonly verbSpan: Span;
  /** The `require` word as written (`require` or `requires`). */
  readonly requireWord: 'require' | 'requires' | null;
  readonly qualifiers: readonly Qualifier[];
  readonly when: Condition | null;
  /** Every `unless` clause; more than one is an error (AX1016). */
  readonly unless: readonly UnlessClause[];
  readonly approval: ApprovalReq | null;
  readonly span: Span;
}

export interface UnlessClause {
  readonly kind: 'Unless';
  readonly condition: Condition | null;
  /** Whether it was written after the requirement (`... require x unless ...`). */
  readonly afterRequire: boolean;
  readonly span: Span;
}

export type Qualifier = AmountQualifier | SourceQualifier | MerchantQualifier | CurrencyQualifier;

export interface AmountQualifier {
  readonly kind: 'AmountQualifier';
  readonly op: RangeOp | 'between';
  /** One value, or two for `between`. */
  readonly values: readonly Value[];
  readonly span: Span;
}

export interface SourceQualifier {
  readonly kind: 'SourceQualifier';
  readonly names: readonly Name[];
  readonly separator: ',' | 'or';
  readonly span: Span;
}

export interface MerchantQualifier {
  readonly kind: 'MerchantQualifier';
  readonly plural: boolean;
  readonly names: readonly Name[];
  readonly separator: ',' | 'or';
  readonly span: Span;
}

export interface CurrencyQualifier {
  readonly kind: 'CurrencyQualifier';
  readonly codes: readonly Name[];
  readonly separator: ',' | 'or';
  readonly span: Span;
}

export type RangeOp = 'over' | 'under' | 'at_least' | 'at_most' | 'up_to';

export type Condition = OrCondition | AndCondition | NotCondition | ParenCondition | Comparison;

export interface OrCondition {
  readonly kind: 'Or';
  readonly operands: readonly Condition[];
  readonly span: Span;
}

export interface AndCondition {
  readonly kind: 'And';
  readonly operands: readonly Condition[];
  readonly span: Span;
}

export interface NotCondition {
  readonly kind: 'Not';
  readonly operand: Condition | null;
  readonly span: Span;
}

/** Kept so the formatter can print the author's parentheses. */
export interface ParenCondition {
  readonly kind: 'Paren';
  readonly inner: Condition | null;
  readonly span: Span;
}

export interface Comparison {
  readonly kind: 'Comparison';
  readonly subject: Subject;
  readonly op: ComparisonOp;
  /** One value for most ops, two for between, the list for in / not in, none for in list. */
  readonly values: readonly Value[];
  /** The list of `in list NAME` / `not in list NAME`. */
  readonly list?: Name | null;
  readonly span: Span;
}

export type TimeOp = 'before' | 'after' | 'at';

export type ComparisonOp = RangeOp | TimeOp | 'between' | 'is' | 'is_not' | 'in' | 'not_in' | 'in_list' | 'not_in_list';

export type SubjectField =
  | 'amount'
  | 'charge_amount'
  | 'charge_age'
  | 'charge_refunded'
  | 'customer_tenure'
  | 'customer_refunds'
  | 'reason'
  | 'source'
  | 'merchant'
  | 'currency'
  | 'metadata'
  | 'customer'
  | 'requested_by'
  | 'local_time'
  | 'weekday'
  | 'customer_refunded'
  | 'source_refunds'
  | 'source_refunded'
  | 'merchant_refunds'
  | 'merchant_refunded'
  | 'unknown';

/** Subjects with a window: `customer refunds in last 30 days`, `source refunded in last 1 hour`. */
export const WINDOWED_FIELDS: ReadonlySet<SubjectField> = new Set([
  'customer_refunds', 'customer_refunded', 'source_refunds', 'source_refunded', 'merchant_refunds', 'merchant_refunded',
]);

export interface Subject {
  readonly kind: 'Subject';
  readonly field: SubjectField;
  /** `customer refunds in last N UNIT` and the other velocity subjects. */
  readonly window: { readonly amount: string; readonly unit: Name; readonly span: Span } | null;
  /** The metadata key, and whether it was written `metadata["..."]`. */
  readonly key: { readonly value: string; readonly bracketed: boolean } | null;
  /** The words as written, for unknown fields and messages. */
  readonly text: string;
  readonly span: Span;
}

export type Value = MoneyValue | NumberValue | PercentValue | StringValue | SymbolValue | TimeValue;

/** `22:00`, as written; checked to be HH:MM from 00:00 to 23:59. */
export interface TimeValue {
  readonly kind: 'Time';
  readonly text: string;
  readonly span: Span;
}

export interface MoneyValue {
  readonly kind: 'Money';
  /** `$` `€` `£` `¥`, or null for the `150 EUR` form. */
  readonly symbol: string | null;
  /** Digits as written, grouping commas included: `1,500.50`. */
  readonly digits: string;
  /** The ISO code: from the symbol, or the code as written (checked later). */
  readonly currency: string;
  readonly codeSpan: Span | null;
  readonly span: Span;
}

export interface NumberValue {
  readonly kind: 'Number';
  readonly digits: string;
  /** `30 days`, `48 hours`; upper-case three-letter units are lowered to Money instead. */
  readonly unit: Name | null;
  readonly span: Span;
}

export interface PercentValue {
  readonly kind: 'Percent';
  /** Digits without the `%`. */
  readonly digits: string;
  readonly of: Subject | null;
  readonly span: Span;
}

export interface StringValue {
  readonly kind: 'StringValue';
  readonly value: string;
  readonly span: Span;
}

export interface SymbolValue {
  readonly kind: 'Symbol';
  readonly name: string;
  readonly span: Span;
}

export interface ExampleDecl {
  readonly kind: 'Example';
  readonly name: StringLit | null;
  readonly input: ExampleObject | null;
  readonly expect: Name | null;
  readonly by: Name | null;
  readonly span: Span;
}

export interface ExampleObject {
  readonly kind: 'ExampleObject';
  readonly fields: readonly ExampleField[];
  readonly span: Span;
}

export interface ExampleField {
  readonly kind: 'ExampleField';
  readonly key: Name;
  readonly value: Value | ExampleObject | ExampleList | null;
  readonly span: Span;
}

/** `[ann, bob]`: the values of `lists.NAME` in an example. */
export interface ExampleList {
  readonly kind: 'ExampleList';
  readonly values: readonly Value[];
  readonly span: Span;
}

export type Node =
  | PolicyFile
  | Item
  | Name
  | StringLit
  | Verdict
  | ApprovalReq
  | Statement
  | UnlessClause
  | Qualifier
  | Condition
  | Subject
  | Value
  | ExampleObject
  | ExampleField
  | ExampleList
  | Comment;

// Nodes never change, and every check walks the whole tree, so each node's children are listed
// once and shared (callers must not modify the array).
const childrenOf = new WeakMap<Node, readonly Node[]>();

/** The direct children of a node, in source order. */
export function children(node: Node): readonly Node[] {
  let known = childrenOf.get(node);
  if (!known) {
    known = listChildren(node);
    childrenOf.set(node, known);
  }
  return known;
}

function listChildren(node: Node): Node[] {
  const out: (Node | null | undefined)[] = [];
  switch (node.kind) {
    case 'File':
      out.push(...node.items);
      break;
    case 'Header':
      out.push(node.name);
      break;
    case 'RolesDecl':
      out.push(...node.chains.flat());
      break;
    case 'SourcesDecl':
    case 'ListsDecl':
      out.push(...node.names);
      break;
    case 'TimezoneDecl':
      out.push(node.zone);
      break;
    case 'ExampleList':
      out.push(...node.values);
      break;
    case 'OtherwiseDecl':
    case 'OnMissingDecl':
      out.push(node.verdict);
      break;
    case 'Verdict':
      out.push(node.approval);
      break;
    case 'Approval':
      out.push(...node.roles);
      break;
    case 'Rule':
      out.push(node.name, node.statement, node.because);
      break;
    case 'Statement':
      out.push(...node.qualifiers, node.when, ...node.unless, node.approval);
      out.sort((a, b) => (a?.span.start ?? 0) - (b?.span.start ?? 0));
      break;
    case 'Unless':
      out.push(node.condition);
      break;
    case 'AmountQualifier':
      out.push(...node.values);
      break;
    case 'SourceQualifier':
    case 'MerchantQualifier':
      out.push(...node.names);
      break;
    case 'CurrencyQualifier':
      out.push(...node.codes);
      break;
    case 'Or':
    case 'And':
      out.push(...node.operands);
      break;
    case 'Not':
      out.push(node.operand);
      break;
    case 'Paren':
      out.push(node.inner);
      break;
    case 'Comparison':
      out.push(node.subject, ...node.values, node.list);
      break;
    case 'Percent':
      out.push(node.of);
      break;
    case 'Example':
      out.push(node.name, node.input, node.expect, node.by);
      break;
    case 'ExampleObject':
      out.push(...node.fields);
      break;
    case 'ExampleField':
      out.push(node.key, node.value);
      break;
    default:
      break;
  }
  return out.filter((n): n is Node => n != null);
}

/** A subtree in depth-first order, with where each node's own subtree ends. */
interface Flattened {
  readonly nodes: readonly Node[];
  /** ends[i]: the index just after the subtree of nodes[i]. */
  readonly ends: Int32Array;
}

// Every check visits the whole file, so the order is worked out once per tree and each visit is
// then a loop over an array rather than a recursion.
const flattenedOf = new WeakMap<Node, Flattened>();

function flattened(root: Node): Flattened {
  let known = flattenedOf.get(root);
  if (!known) {
    known = root.kind === 'File' ? flattenedFile(root) : flattenedSubtree(root);
    flattenedOf.set(root, known);
  }
  return known;
}

/**
 * A file from its items' orders: an edit makes a new file but keeps the nodes of every item it
 * did not touch (IncrementalParser), so only the edited item is walked again.
 */
function flattenedFile(file: PolicyFile): Flattened {
  const parts = file.items.map((item) => flattened(item));
  const total = 1 + parts.reduce((sum, part) => sum + part.nodes.length, 0);
  const nodes: Node[] = [file];
  const ends = new Int32Array(total);
  ends[0] = total;
  for (const part of parts) {
    const offset = nodes.length;
    for (let i = 0; i < part.nodes.length; i++) {
      nodes.push(part.nodes[i] as Node);
      ends[offset + i] = (part.ends[i] as number) + offset;
    }
  }
  return { nodes, ends };
}

function flattenedSubtree(root: Node): Flattened {
  const nodes: Node[] = [];
  const ends: number[] = [];
  const walk = (node: Node): void => {
    const index = nodes.length;
    nodes.push(node);
    ends.push(0);
    for (const child of children(node)) walk(child);
    ends[index] = nodes.length;
  };
  walk(root);
  return { nodes, ends: Int32Array.from(ends) };
}

/**
 * Depth-first traversal. `enter` returning false skips the node's children.
 * The path holds the ancestors of the node being visited, outermost first.
 */
export function visit(root: Node, enter: (node: Node, path: readonly Node[]) => boolean | void): void {
  const { nodes, ends } = flattened(root);
  const path: Node[] = [];
  const pathEnds: number[] = [];
  let index = 0;
  while (index < nodes.length) {
    // Leave the ancestors whose subtrees end here.
    while (pathEnds.length > 0 && (pathEnds[pathEnds.length - 1] as number) <= index) {
      pathEnds.pop();
      path.pop();
    }
    const node = nodes[index] as Node;
    const end = ends[index] as number;
    if (enter(node, path) === false) {
      index = end;
      continue;
    }
    path.push(node);
    pathEnds.push(end);
    index += 1;
  }
}

/** The innermost nodes containing `offset`, outermost first (for hover, completion, go-to). */
export function nodesAt(root: Node, offset: number): Node[] {
  const found: Node[] = [];
  visit(root, (node) => {
    if (offset < node.span.start || offset > node.span.end) return false;
    found.push(node);
    return true;
  });
  return found;
}

export function rules(file: PolicyFile): RuleDecl[] {
  return file.items.filter((item): item is RuleDecl => item.kind === 'Rule');
}

export function examples(file: PolicyFile): ExampleDecl[] {
  return file.items.filter((item): item is ExampleDecl => item.kind === 'Example');
}
