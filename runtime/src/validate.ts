// Checks that a value is policy IR this runtime can evaluate, before anything trusts it.
//
// Every message starts with the JSON path of the offending value
// (`rules[3].condition.args[1].value.minor: expected a safe integer, got 1.5`), and one pass
// reports every problem it can find. Beyond shapes it checks what the evaluator relies on:
// comparisons of matching types, money as safe integers in known currencies, approvals exactly
// on pending_approval verdicts and naming declared roles, a consistent seniority relation,
// unique rule ids, declared sources and facts. It never throws, whatever it is given.

import { IR_VERSION, IR_VERSIONS, type PolicyIR } from './ir.js';
import { isKnownCurrency } from './currency.js';
import { FIELD_TYPES, isOrdered, WEEKDAYS, type FieldType } from './fields.js';
import { isKnownTimeZone } from './computeFacts.js';

export type ValidationResult =
  | { readonly ok: true; readonly ir: PolicyIR }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Conditions nested deeper than this are refused (compiled IR is shallow; this bounds recursion). */
export const MAX_CONDITION_DEPTH = 64;

/** Stop collecting after this many messages: the first ones are the useful ones. */
const MAX_ERRORS = 100;

const OUTCOMES: ReadonlySet<string> = new Set(['allow', 'flag', 'pending_approval', 'block']);
const COMPARE_OPS: ReadonlySet<string> = new Set(['gt', 'lt', 'ge', 'le', 'eq', 'ne']);
const EQUALITY_OPS: ReadonlySet<string> = new Set(['eq', 'ne']);
const VALUE_TYPES: ReadonlySet<string> = new Set(['money', 'duration', 'count', 'symbol', 'text', 'time']);
const HASH = /^sha256:[0-9a-f]{64}$/;
const REFUND_COUNT_FACT = /^customer_refunds_last_([1-9][0-9]*)_(days|hours)$/;
const VELOCITY_FACT = /^(customer|source|merchant)_(refunds|refunded)_last_([1-9][0-9]*)_(days|hours)$/;
/** The velocity field kind that reads each (scope, measure). */
const VELOCITY_FIELDS: Readonly<Record<string, string>> = {
  customer_refunds: 'customer_refund_count',
  customer_refunded: 'customer:sum',
  source_refunds: 'source:count',
  source_refunded: 'source:sum',
  merchant_refunds: 'merchant:count',
  merchant_refunded: 'merchant:sum',
};
/** Fields that exist from IR version 2 on. */
const VERSION_2_FIELDS: ReadonlySet<string> = new Set([
  'customer', 'requested_by', 'local_time', 'weekday',
  'customer_refunded', 'source_refunds', 'source_refunded', 'merchant_refunds', 'merchant_refunded',
]);
/** Subjects a list can hold values of (docs/language.md, "Lists"). */
const LIST_SUBJECTS: ReadonlySet<string> = new Set(['customer', 'merchant', 'source', 'reason', 'requested_by', 'metadata']);
const MINUTES_PER_DAY = 1440;
const CURRENCY_CODE = /^[A-Z]{3}$/;

const EXPR_KEYS: Readonly<Record<string, readonly string[]>> = {
  true: ['op'],
  and: ['op', 'args'],
  or: ['op', 'args'],
  not: ['op', 'arg'],
  cmp: ['op', 'field', 'cmp', 'value'],
  between: ['op', 'field', 'low', 'high'],
  in: ['op', 'field', 'values'],
  ratio: ['op', 'field', 'cmp', 'percent', 'of'],
  in_list: ['op', 'field', 'list'],
};

const VALUE_KEYS: Readonly<Record<string, readonly string[]>> = {
  money: ['type', 'currency', 'minor'],
  duration: ['type', 'hours'],
  count: ['type', 'value'],
  symbol: ['type', 'value'],
  text: ['type', 'value'],
  time: ['type', 'minutes'],
};

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property only: IR keys never come from a prototype. */
function get(object: Json, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** A short rendering of a wrong value for messages: `1.5`, `string "abc"`, `an array`. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `path.name`, or `path["odd name"]` for keys that are not identifiers. */
function key(path: string, name: string): string {
  if (!IDENTIFIER.test(name)) return `${path}[${JSON.stringify(name)}]`;
  return path === '' ? name : `${path}.${name}`;
}

class Checker {
  readonly errors: string[] = [];
  private omitted = 0;
  readonly roles = new Map<string, readonly string[]>();
  readonly sources = new Set<string>();
  /** Fact name -> its kind, with `scope:measure` for velocity facts. */
  readonly facts = new Map<string, string>();
  readonly lists = new Set<string>();
  version = IR_VERSION;

  error(path: string, message: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(`${path}: ${message}`);
    else this.omitted++;
  }

  /** A message about the document as a whole. */
  refuse(message: string): void {
    this.errors.push(message);
  }

  finish(): readonly string[] {
    return this.omitted === 0 ? this.errors : [...this.errors, `... and ${this.omitted} more errors`];
  }

  /** Reports properties the IR does not define: a typo or a newer format, never ignored. */
  keys(path: string, object: Json, allowed: readonly string[]): void {
    for (const name of Object.keys(object)) {
      if (!allowed.includes(name)) this.error(key(path, name), 'unexpected property');
    }
  }

  object(path: string, value: unknown, what: string): value is Json {
    if (isObject(value)) return true;
    this.error(path, value === undefined ? `missing (expected ${what})` : `expected ${what}, got ${describe(value)}`);
    return false;
  }

  array(path: string, value: unknown, what: string): value is readonly unknown[] {
    if (Array.isArray(value)) return true;
    this.error(path, value === undefined ? `missing (expected ${what})` : `expected ${what}, got ${describe(value)}`);
    return false;
  }

  string(path: string, value: unknown): value is string {
    if (typeof value === 'string' && value !== '') return true;
    this.error(path, value === undefined ? 'missing (expected a non-empty string)' : `expected a non-empty string, got ${describe(value)}`);
    return false;
  }

  integer(path: string, value: unknown, minimum: number): value is number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      this.error(path, value === undefined ? 'missing (expected a safe integer)' : `expected a safe integer, got ${describe(value)}`);
      return false;
    }
    if (value < minimum) {
      this.error(path, `expected ${minimum === 0 ? 'a non-negative integer' : `an integer of at least ${minimum}`}, got ${value}`);
      return false;
    }
    return true;
  }
}

export function validateIR(input: unknown): ValidationResult {
  try {
    const checker = new Checker();
    checkPolicy(checker, input);
    const errors = checker.finish();
    return errors.length === 0 ? { ok: true, ir: input as PolicyIR } : { ok: false, errors };
  } catch (error) {
    // Only exotic objects get here (a throwing getter, a Proxy): JSON never does.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [`policy IR: could not be read (${message})`] };
  }
}

function checkPolicy(c: Checker, ir: unknown): void {
  if (!isObject(ir)) {
    c.error('policy IR', `expected an object, got ${describe(ir)}`);
    return;
  }
  // The version comes first: IR of another version may legitimately differ everywhere else.
  const version = get(ir, 'ir_version');
  if (version === undefined) {
    c.error('ir_version', `missing; this runtime reads ir_version ${IR_VERSIONS.join(' or ')}`);
    return;
  }
  if (typeof version !== 'number' || !IR_VERSIONS.includes(version)) {
    // Not a path-prefixed message: the whole document is refused, not one field of it.
    if (typeof version === 'number') c.refuse(`unsupported ir_version ${version}: this runtime reads ir_version ${IR_VERSIONS.join(' or ')}`);
    else c.error('ir_version', `expected the number ${IR_VERSIONS.join(' or ')}, got ${describe(version)}`);
    return;
  }
  c.version = version;

  const keys = ['ir_version', 'policy', 'version', 'hash', 'roles', 'sources', 'default', 'on_missing', 'rules', 'facts'];
  c.keys('', ir, version >= 2 ? [...keys, 'timezone', 'lists'] : keys);
  if (version >= 2) {
    const zone = get(ir, 'timezone');
    if (c.string('timezone', zone) && !isKnownTimeZone(zone)) c.error('timezone', `unknown IANA time zone ${describe(zone)}`);
    checkLists(c, get(ir, 'lists'));
  }
  c.string('policy', get(ir, 'policy'));
  c.integer('version', get(ir, 'version'), 1);
  const hash = get(ir, 'hash');
  if (typeof hash !== 'string' || !HASH.test(hash)) {
    c.error('hash', `expected "sha256:" followed by 64 lower-case hex digits, got ${describe(hash)}`);
  }

  // Declarations first: verdicts and conditions refer to them.
  checkRoles(c, get(ir, 'roles'));
  checkSources(c, get(ir, 'sources'));
  checkFacts(c, get(ir, 'facts'));

  checkVerdict(c, 'default', get(ir, 'default'));
  const onMissing = get(ir, 'on_missing');
  if (onMissing === undefined) c.error('on_missing', 'missing (expected a verdict or null)');
  else if (onMissing !== null) checkVerdict(c, 'on_missing', onMissing);

  const rules = get(ir, 'rules');
  if (c.array('rules', rules, 'an array of rules')) {
    const seen = new Map<string, number>();
    rules.forEach((rule, index) => checkRule(c, `rules[${index}]`, rule, index, seen));
  }
}

function checkRoles(c: Checker, roles: unknown): void {
  if (!c.array('roles', roles, 'an array of roles')) return;
  const ranks = new Map<string, unknown>();
  const paths = new Map<string, string>();
  roles.forEach((role, index) => {
    const path = `roles[${index}]`;
    if (!c.object(path, role, 'a role')) return;
    c.keys(path, role, ['name', 'rank', 'seniors']);
    const name = get(role, 'name');
    c.integer(`${path}.rank`, get(role, 'rank'), 0);
    const seniors = get(role, 'seniors');
    const names: string[] = [];
    if (c.array(`${path}.seniors`, seniors, 'an array of role names')) {
      seniors.forEach((senior, i) => {
        if (c.string(`${path}.seniors[${i}]`, senior)) names.push(senior);
      });
    }
    if (!c.string(`${path}.name`, name)) return;
    const first = paths.get(name);
    if (first !== undefined) {
      c.error(`${path}.name`, `duplicate role "${name}" (also ${first})`);
      return;
    }
    paths.set(name, path);
    ranks.set(name, get(role, 'rank'));
    c.roles.set(name, names);
  });

  // Seniority: declared, irreflexive, sorted, transitively closed; then ranks follow from it.
  let consistent = true;
  for (const [name, seniors] of c.roles) {
    const path = `${paths.get(name) ?? 'roles'}.seniors`;
    seniors.forEach((senior, i) => {
      if (!c.roles.has(senior)) {
        c.error(`${path}[${i}]`, `unknown role "${senior}"`);
        consistent = false;
      } else if (senior === name) {
        c.error(`${path}[${i}]`, `role "${name}" cannot be senior to itself`);
        consistent = false;
      } else if (i > 0 && senior <= (seniors[i - 1] ?? '')) {
        c.error(`${path}[${i}]`, `seniors must be sorted by name and unique ("${senior}" after "${seniors[i - 1] ?? ''}")`);
        consistent = false;
      }
    });
    for (const senior of seniors) {
      for (const transitive of c.roles.get(senior) ?? []) {
        if (transitive !== name && !seniors.includes(transitive)) {
          c.error(path, `must include "${transitive}", which is senior to "${senior}" (seniority is transitive)`);
          consistent = false;
        } else if (transitive === name) {
          c.error(path, `"${senior}" and "${name}" are each senior to the other`);
          consistent = false;
        }
      }
    }
  }
  if (!consistent) return;
  // rank = length of the longest chain of roles junior to this one. The relation is now a
  // transitively closed strict order, so the recursion terminates.
  const juniors = new Map<string, string[]>();
  for (const [name, seniors] of c.roles) for (const senior of seniors) juniors.set(senior, [...(juniors.get(senior) ?? []), name]);
  const memo = new Map<string, number>();
  const rankOf = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const rank = Math.max(0, ...(juniors.get(name) ?? []).map((junior) => rankOf(junior) + 1));
    memo.set(name, rank);
    return rank;
  };
  for (const [name, given] of ranks) {
    const expected = rankOf(name);
    if (typeof given === 'number' && Number.isSafeInteger(given) && given >= 0 && given !== expected) {
      c.error(`${paths.get(name) ?? 'roles'}.rank`, `expected ${expected} (the longest chain of roles junior to "${name}"), got ${given}`);
    }
  }
}

function checkSources(c: Checker, sources: unknown): void {
  if (!c.array('sources', sources, 'an array of source names')) return;
  sources.forEach((source, index) => {
    const path = `sources[${index}]`;
    if (!c.string(path, source)) return;
    if (c.sources.has(source)) c.error(path, `duplicate source "${source}"`);
    c.sources.add(source);
  });
}

function checkLists(c: Checker, lists: unknown): void {
  if (!c.array('lists', lists, 'an array of list names')) return;
  let previous: string | undefined;
  lists.forEach((list, index) => {
    const path = `lists[${index}]`;
    if (!c.string(path, list)) return;
    if (c.lists.has(list)) c.error(path, `duplicate list "${list}"`);
    else if (previous !== undefined && list < previous) c.error(path, `lists must be sorted by name ("${list}" after "${previous}")`);
    c.lists.add(list);
    previous = list;
  });
}

/** Checks a velocity fact; returns its `scope:measure`, or undefined when malformed. */
function checkVelocityFact(c: Checker, path: string, fact: Json, name: unknown): string | undefined {
  c.keys(path, fact, ['name', 'kind', 'scope', 'measure', 'window_hours']);
  const window = get(fact, 'window_hours');
  c.integer(`${path}.window_hours`, window, 1);
  if (!c.string(`${path}.name`, name)) return undefined;
  const match = VELOCITY_FACT.exec(name);
  if (match === null) {
    c.error(`${path}.name`, `expected a name like "source_refunded_last_1_hours" or "merchant_refunds_last_7_days", got ${describe(name)}`);
    return undefined;
  }
  const [, scope, noun, amount, unit] = match;
  const measure = noun === 'refunds' ? 'count' : 'sum';
  if (get(fact, 'scope') !== scope) c.error(`${path}.scope`, `expected "${scope ?? ''}" for the fact "${name}", got ${describe(get(fact, 'scope'))}`);
  if (get(fact, 'measure') !== measure) c.error(`${path}.measure`, `expected "${measure}" for the fact "${name}", got ${describe(get(fact, 'measure'))}`);
  const hours = Number(amount) * (unit === 'days' ? 24 : 1);
  if (typeof window === 'number' && hours !== window) c.error(`${path}.window_hours`, `expected ${hours} for the fact "${name}", got ${window}`);
  return `${scope ?? ''}:${measure}`;
}

function checkFacts(c: Checker, facts: unknown): void {
  if (!c.array('facts', facts, 'an array of facts')) return;
  let previous: string | undefined;
  facts.forEach((fact, index) => {
    const path = `facts[${index}]`;
    if (!c.object(path, fact, 'a fact')) return;
    const name = get(fact, 'name');
    const kind = get(fact, 'kind');
    if (kind === 'customer_refund_count') {
      c.keys(path, fact, ['name', 'kind', 'window_hours']);
      const window = get(fact, 'window_hours');
      c.integer(`${path}.window_hours`, window, 1);
      if (!c.string(`${path}.name`, name)) return;
      const match = REFUND_COUNT_FACT.exec(name);
      if (match === null) {
        c.error(`${path}.name`, `expected a name like "customer_refunds_last_30_days" or "customer_refunds_last_48_hours", got ${describe(name)}`);
      } else if (typeof window === 'number') {
        const hours = Number(match[1]) * (match[2] === 'days' ? 24 : 1);
        if (hours !== window) c.error(`${path}.window_hours`, `expected ${hours} for the fact "${name}", got ${window}`);
      }
    } else if (kind === 'charge_refunded') {
      c.keys(path, fact, ['name', 'kind']);
      if (name !== 'charge_refunded_cents') c.error(`${path}.name`, `expected "charge_refunded_cents", got ${describe(name)}`);
    } else if (c.version >= 2 && kind === 'velocity') {
      const scoped = checkVelocityFact(c, path, fact, name);
      if (scoped === undefined || typeof name !== 'string') return;
      if (c.facts.has(name)) c.error(`${path}.name`, `duplicate fact "${name}"`);
      else if (previous !== undefined && name < previous) c.error(`${path}.name`, `facts must be sorted by name ("${name}" after "${previous}")`);
      c.facts.set(name, scoped);
      previous = name;
      return;
    } else if (c.version >= 2 && (kind === 'local_time' || kind === 'weekday')) {
      c.keys(path, fact, ['name', 'kind']);
      if (name !== kind) c.error(`${path}.name`, `expected "${kind}", got ${describe(name)}`);
    } else {
      const kinds = c.version >= 2 ? '"customer_refund_count", "charge_refunded", "velocity", "local_time" or "weekday"' : '"customer_refund_count" or "charge_refunded"';
      c.error(`${path}.kind`, `expected ${kinds}, got ${describe(kind)}`);
      return;
    }
    if (typeof name !== 'string') return;
    if (c.facts.has(name)) c.error(`${path}.name`, `duplicate fact "${name}"`);
    else if (previous !== undefined && name < previous) c.error(`${path}.name`, `facts must be sorted by name ("${name}" after "${previous}")`);
    c.facts.set(name, kind);
    previous = name;
  });
}

/** Checks an outcome and its approval: present exactly when the outcome is pending_approval. */
function checkOutcome(c: Checker, path: string, object: Json): void {
  const outcome = get(object, 'outcome');
  const approval = get(object, 'approval');
  if (typeof outcome !== 'string' || !OUTCOMES.has(outcome)) {
    c.error(key(path, 'outcome'), `expected one of allow, flag, pending_approval, block, got ${describe(outcome)}`);
    return;
  }
  if (outcome === 'pending_approval') {
    if (approval === undefined) c.error(key(path, 'approval'), 'missing (required when the outcome is pending_approval)');
    else checkApproval(c, key(path, 'approval'), approval);
  } else if (approval !== undefined) {
    c.error(key(path, 'approval'), `must be absent when the outcome is ${outcome} (only pending_approval has one)`);
  }
}

function checkApproval(c: Checker, path: string, approval: unknown): void {
  if (!c.object(path, approval, 'an approval { roles, count }')) return;
  c.keys(path, approval, ['roles', 'count']);
  c.integer(`${path}.count`, get(approval, 'count'), 1);
  const roles = get(approval, 'roles');
  if (!c.array(`${path}.roles`, roles, 'an array of role names')) return;
  if (roles.length === 0) c.error(`${path}.roles`, 'expected at least one role');
  const seen = new Set<string>();
  roles.forEach((role, index) => {
    const rolePath = `${path}.roles[${index}]`;
    if (!c.string(rolePath, role)) return;
    if (!c.roles.has(role)) c.error(rolePath, `unknown role "${role}" (declared: ${[...c.roles.keys()].join(', ') || 'none'})`);
    else if (seen.has(role)) c.error(rolePath, `duplicate role "${role}"`);
    seen.add(role);
  });
}

function checkVerdict(c: Checker, path: string, verdict: unknown): void {
  if (!c.object(path, verdict, 'a verdict { outcome, approval? }')) return;
  c.keys(path, verdict, ['outcome', 'approval']);
  checkOutcome(c, path, verdict);
}

function checkRule(c: Checker, path: string, rule: unknown, index: number, seen: Map<string, number>): void {
  if (!c.object(path, rule, 'a rule')) return;
  c.keys(path, rule, ['id', 'outcome', 'approval', 'reason', 'condition']);
  const id = get(rule, 'id');
  if (c.string(`${path}.id`, id)) {
    const first = seen.get(id);
    if (first !== undefined) c.error(`${path}.id`, `duplicate rule id "${id}" (also rules[${first}])`);
    else seen.set(id, index);
  }
  checkOutcome(c, path, rule);
  c.string(`${path}.reason`, get(rule, 'reason'));
  checkExpr(c, `${path}.condition`, get(rule, 'condition'), 0);
}

function checkExpr(c: Checker, path: string, expr: unknown, depth: number): void {
  if (!c.object(path, expr, 'a condition')) return;
  if (depth > MAX_CONDITION_DEPTH) {
    c.error(path, `condition nested more than ${MAX_CONDITION_DEPTH} levels deep`);
    return;
  }
  const op = get(expr, 'op');
  const known = typeof op === 'string' && Object.prototype.hasOwnProperty.call(EXPR_KEYS, op) && (op !== 'in_list' || c.version >= 2);
  const allowed = known ? EXPR_KEYS[op] : undefined;
  if (allowed === undefined) {
    const ops = Object.keys(EXPR_KEYS).filter((name) => name !== 'in_list' || c.version >= 2);
    c.error(`${path}.op`, `expected one of ${ops.join(', ')}, got ${describe(op)}`);
    return;
  }
  c.keys(path, expr, allowed);
  switch (op) {
    case 'true':
      return;
    case 'and':
    case 'or': {
      const args = get(expr, 'args');
      if (!c.array(`${path}.args`, args, 'an array of conditions')) return;
      if (args.length === 0) c.error(`${path}.args`, `expected at least one condition in "${op}"`);
      args.forEach((arg, i) => checkExpr(c, `${path}.args[${i}]`, arg, depth + 1));
      return;
    }
    case 'not':
      checkExpr(c, `${path}.arg`, get(expr, 'arg'), depth + 1);
      return;
    case 'cmp': {
      const kind = kindOf(get(expr, 'field'));
      const type = checkField(c, `${path}.field`, get(expr, 'field'));
      checkCompareOp(c, `${path}.cmp`, get(expr, 'cmp'), type, kind);
      checkValue(c, `${path}.value`, get(expr, 'value'), type, kind);
      return;
    }
    case 'between': {
      const kind = kindOf(get(expr, 'field'));
      const type = checkField(c, `${path}.field`, get(expr, 'field'));
      if (type !== undefined && !isOrdered(type)) {
        c.error(`${path}.field`, `between needs an ordered field (money, duration, count or time), got the ${type} field ${kind}`);
      }
      const low = checkValue(c, `${path}.low`, get(expr, 'low'), type, kind);
      const high = checkValue(c, `${path}.high`, get(expr, 'high'), type, kind);
      if (low !== undefined && high !== undefined) checkRange(c, path, low, high);
      return;
    }
    case 'in': {
      const kind = kindOf(get(expr, 'field'));
      const type = checkField(c, `${path}.field`, get(expr, 'field'));
      const values = get(expr, 'values');
      if (!c.array(`${path}.values`, values, 'an array of values')) return;
      if (values.length === 0) c.error(`${path}.values`, 'expected at least one value');
      values.forEach((value, i) => checkValue(c, `${path}.values[${i}]`, value, type, kind));
      return;
    }
    case 'ratio': {
      for (const side of ['field', 'of'] as const) {
        const type = checkField(c, `${path}.${side}`, get(expr, side));
        if (type !== undefined && type !== 'money') {
          c.error(`${path}.${side}`, `a ratio compares money fields, got the ${type} field ${kindOf(get(expr, side))}`);
        }
      }
      checkCompareOp(c, `${path}.cmp`, get(expr, 'cmp'), 'money', 'amount');
      c.integer(`${path}.percent`, get(expr, 'percent'), 0);
      return;
    }
    case 'in_list': {
      const kind = kindOf(get(expr, 'field'));
      const type = checkField(c, `${path}.field`, get(expr, 'field'));
      if (type !== undefined && !LIST_SUBJECTS.has(kind)) {
        c.error(`${path}.field`, `list membership tests customer, merchant, source, reason, requested_by or metadata, got ${kind}`);
      }
      const list = get(expr, 'list');
      if (c.string(`${path}.list`, list) && !c.lists.has(list)) {
        c.error(`${path}.list`, `list "${list}" is not declared in lists`);
      }
      return;
    }
  }
}

/** The kind of a (possibly malformed) field, for messages. */
function kindOf(field: unknown): string {
  const kind = isObject(field) ? get(field, 'kind') : undefined;
  return typeof kind === 'string' ? kind : '?';
}

/** Validates a field and returns its type, or undefined when it is not a valid field. */
function checkField(c: Checker, path: string, field: unknown): FieldType | undefined {
  if (!c.object(path, field, 'a field { kind }')) return undefined;
  const kind = get(field, 'kind');
  if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(FIELD_TYPES, kind)) {
    const kinds = Object.keys(FIELD_TYPES).filter((name) => c.version >= 2 || !VERSION_2_FIELDS.has(name));
    c.error(`${path}.kind`, `expected one of ${kinds.join(', ')}, got ${describe(kind)}`);
    return undefined;
  }
  const type = FIELD_TYPES[kind as keyof typeof FIELD_TYPES];
  if (c.version < 2 && VERSION_2_FIELDS.has(kind)) {
    c.error(`${path}.kind`, `the field ${kind} needs ir_version 2`);
    return undefined;
  }
  const factKind = VELOCITY_FIELDS[kind];
  if (factKind !== undefined) {
    c.keys(path, field, ['kind', 'fact']);
    const fact = get(field, 'fact');
    if (!c.string(`${path}.fact`, fact)) return undefined;
    if (c.facts.get(fact) !== factKind) {
      const what = factKind === 'customer_refund_count' ? 'a customer_refund_count' : `a velocity fact (${factKind.replace(':', ', ')})`;
      c.error(`${path}.fact`, `the fact "${fact}" is not declared in facts as ${what}`);
      return undefined;
    }
  } else if (kind === 'local_time' || kind === 'weekday') {
    c.keys(path, field, ['kind']);
    if (c.facts.get(kind) !== kind) {
      c.error(path, `${kind} needs the fact "${kind}" declared in facts`);
      return undefined;
    }
  } else if (kind === 'metadata') {
    c.keys(path, field, ['kind', 'key']);
    if (!c.string(`${path}.key`, get(field, 'key'))) return undefined;
  } else {
    c.keys(path, field, ['kind']);
    if (kind === 'charge_refunded' && c.facts.get('charge_refunded_cents') !== 'charge_refunded') {
      c.error(path, 'charge_refunded needs the fact "charge_refunded_cents" declared in facts');
      return undefined;
    }
  }
  return type;
}

function checkCompareOp(c: Checker, path: string, cmp: unknown, type: FieldType | undefined, kind: string): void {
  if (typeof cmp !== 'string' || !COMPARE_OPS.has(cmp)) {
    c.error(path, `expected one of gt, lt, ge, le, eq, ne, got ${describe(cmp)}`);
  } else if (type !== undefined && !isOrdered(type) && !EQUALITY_OPS.has(cmp)) {
    c.error(path, `"${cmp}" cannot compare the ${type} field ${kind} (only eq and ne can)`);
  }
}

type CheckedValue = { readonly type: string; readonly currency?: string; readonly amount: number | string };

/** Validates a literal against the field's type (when known); returns it when well-formed. */
function checkValue(c: Checker, path: string, value: unknown, expected: FieldType | undefined, kind: string): CheckedValue | undefined {
  if (!c.object(path, value, 'a value { type, ... }')) return undefined;
  const type = get(value, 'type');
  if (typeof type !== 'string' || !VALUE_TYPES.has(type)) {
    c.error(`${path}.type`, `expected one of money, duration, count, symbol, text, got ${describe(type)}`);
    return undefined;
  }
  c.keys(path, value, VALUE_KEYS[type] ?? []);
  let ok = true;
  if (expected !== undefined && type !== expected) {
    c.error(`${path}.type`, `expected a ${expected} value for the field ${kind}, got a ${type} value`);
    ok = false;
  }
  switch (type) {
    case 'money': {
      const currency = get(value, 'currency');
      const minor = get(value, 'minor');
      if (typeof currency !== 'string' || !CURRENCY_CODE.test(currency) || !isKnownCurrency(currency)) {
        c.error(`${path}.currency`, `expected an upper-case ISO 4217 currency code, got ${describe(currency)}`);
        ok = false;
      }
      if (!c.integer(`${path}.minor`, minor, 0)) ok = false;
      return ok ? { type, currency: currency as string, amount: minor as number } : undefined;
    }
    case 'duration': {
      const hours = get(value, 'hours');
      return c.integer(`${path}.hours`, hours, 0) && ok ? { type, amount: hours } : undefined;
    }
    case 'count': {
      const count = get(value, 'value');
      return c.integer(`${path}.value`, count, 0) && ok ? { type, amount: count } : undefined;
    }
    case 'time': {
      const minutes = get(value, 'minutes');
      if (c.version < 2) {
        c.error(`${path}.type`, 'time values need ir_version 2');
        return undefined;
      }
      if (!c.integer(`${path}.minutes`, minutes, 0)) return undefined;
      if (minutes >= MINUTES_PER_DAY) {
        c.error(`${path}.minutes`, `expected minutes since midnight, 0 to ${MINUTES_PER_DAY - 1}, got ${minutes}`);
        return undefined;
      }
      return ok ? { type, amount: minutes } : undefined;
    }
    default: {
      const text = get(value, 'value');
      if (typeof text !== 'string') {
        c.error(`${path}.value`, text === undefined ? 'missing (expected a string)' : `expected a string, got ${describe(text)}`);
        return undefined;
      }
      if (type === 'symbol' && kind === 'currency' && (!CURRENCY_CODE.test(text) || !isKnownCurrency(text))) {
        c.error(`${path}.value`, `expected an upper-case ISO 4217 currency code, got ${describe(text)}`);
      } else if (type === 'symbol' && kind === 'source' && !c.sources.has(text)) {
        c.error(`${path}.value`, `source "${text}" is not declared in sources`);
      } else if (type === 'symbol' && kind === 'weekday' && !WEEKDAYS.includes(text)) {
        c.error(`${path}.value`, `expected a day name (${WEEKDAYS.join(', ')}), got ${describe(text)}`);
      }
      return ok ? { type, amount: text } : undefined;
    }
  }
}

function checkRange(c: Checker, path: string, low: CheckedValue, high: CheckedValue): void {
  if (low.type !== high.type) return; // already reported against the field's type
  if (low.currency !== high.currency) {
    c.error(`${path}.high.currency`, `between needs both ends in one currency, got ${low.currency ?? '?'} and ${high.currency ?? '?'}`);
  } else if (low.amount > high.amount) {
    c.error(path, 'between has its low end above its high end, so it can never hold');
  }
}
