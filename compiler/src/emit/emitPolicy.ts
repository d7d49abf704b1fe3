// Phase 6: AST + scope -> IR and its source map. Runs only on a file the checks accepted.
// The IR is a stable public format (runtime/src/ir.ts); positions go to the source map, and
// anything whose order carries no meaning (roles, sources, facts) is sorted, so the hash
// depends on what the policy says, not on how it is laid out.
import {
  canonicalTimeZone,
  type ApprovalIR,
  type ExprIR,
  type FactIR,
  type PolicyIR,
  type RoleIR,
  type RuleIR,
  type VerdictIR,
} from '@axiru/runtime';
import type * as A from '../ast.js';
import type { Span } from '../diagnostics/Diagnostic.js';
import { printStatement } from '../format/printSyntax.js';
import { rankOf, seniorsOf, type Scope } from '../semantics/resolve.js';
import { readWhole } from '../semantics/literals.js';
import { EmitError, emitStatementCondition } from './emitCondition.js';
import { hashIR } from './hashIR.js';

export interface RuleSource {
  readonly span: Span;
  readonly name: Span;
  readonly statement: Span;
  readonly because: Span | null;
}

/** Where each part of the IR came from, by offsets into the source. */
export interface SourceMap {
  readonly header: Span | null;
  readonly rules: Readonly<Record<string, RuleSource>>;
  readonly roles: Readonly<Record<string, readonly Span[]>>;
  readonly default: Span | null;
  readonly onMissing: Span | null;
}

export function emitPolicy(file: A.PolicyFile, scope: Scope): { ir: PolicyIR; sourceMap: SourceMap } {
  const header = scope.headers[0];
  if (!header?.name || !header.version) throw new EmitError('a policy needs its header');
  const version = readWhole(header.version.text);
  if (version === null || version < 1) throw new EmitError('the version must be a positive integer');

  const rules: RuleIR[] = [];
  const ruleSources: Record<string, RuleSource> = {};
  for (const rule of scope.ruleOrder) {
    if (!rule.name || !rule.statement) throw new EmitError('an incomplete rule');
    rules.push(emitRule(rule.name.text, rule.statement, rule.because));
    ruleSources[rule.name.text] = {
      span: rule.span,
      name: rule.name.span,
      statement: rule.statement.span,
      because: rule.because?.span ?? null,
    };
  }

  const otherwise = scope.otherwise[0];
  const onMissing = scope.onMissing[0];
  const facts = collectFacts(rules);
  const zone = scope.timezones[0]?.zone?.value;
  // Version 1 for a policy that uses nothing of version 2, so its IR and hash stay what they were.
  const version2 = zone !== undefined || scope.lists.size > 0 || facts.some((fact) => VERSION_2_FACTS.has(fact.kind)) || rules.some((rule) => usesVersion2(rule.condition));
  const content: Omit<PolicyIR, 'hash'> = {
    ir_version: version2 ? 2 : 1,
    policy: header.name.value,
    version,
    roles: emitRoles(scope),
    sources: [...scope.sources.keys()].sort(),
    default: otherwise?.verdict ? emitVerdict(otherwise.verdict) : { outcome: 'allow' },
    on_missing: onMissing?.verdict ? emitVerdict(onMissing.verdict) : null,
    rules,
    facts,
    ...(version2 ? { timezone: zone === undefined ? 'UTC' : canonicalTimeZone(zone), lists: [...scope.lists.keys()].sort() } : {}),
  };
  const ir: PolicyIR = { ...content, hash: hashIR(content) };

  const roles: Record<string, Span[]> = {};
  for (const [name, symbol] of scope.roles) roles[name] = symbol.declarations.map((d) => d.span);
  return {
    ir,
    sourceMap: {
      header: header.span,
      rules: ruleSources,
      roles,
      default: otherwise?.span ?? null,
      onMissing: onMissing?.span ?? null,
    },
  };
}

export function emitRule(id: string, statement: A.Statement, because: A.StringLit | null): RuleIR {
  const condition = emitStatementCondition(statement);
  // An empty `because ""` says nothing: the IR needs a reason, so the rule's own sentence is used.
  const reason = because && because.value.trim() !== '' ? because.value : defaultReason(statement);
  if (statement.verb === 'require') {
    if (!statement.approval) throw new EmitError('a requirement without an approver');
    return { id, outcome: 'pending_approval', approval: emitApproval(statement.approval), reason, condition };
  }
  return { id, outcome: statement.verb, reason, condition };
}

/** docs/language.md: without `because`, the reason is the rule's own sentence. */
export function defaultReason(statement: A.Statement): string {
  const text = printStatement(statement);
  return text[0]!.toUpperCase() + text.slice(1);
}

export function emitApproval(approval: A.ApprovalReq): ApprovalIR {
  const count = approval.count ? readWhole(approval.count.text) : 1;
  if (count === null || count < 1) throw new EmitError('an approval count must be a positive integer');
  // `require cfo or cfo` means cfo: the IR lists each role once (the runtime refuses repeats).
  return { roles: [...new Set(approval.roles.map((r) => r.text))], count };
}

export function emitVerdict(verdict: A.Verdict): VerdictIR {
  if (verdict.outcome === 'require') {
    if (!verdict.approval) throw new EmitError('`require` without an approver');
    return { outcome: 'pending_approval', approval: emitApproval(verdict.approval) };
  }
  return { outcome: verdict.outcome };
}

function emitRoles(scope: Scope): RoleIR[] {
  return [...scope.roles.keys()].sort().map((name) => ({
    name,
    rank: rankOf(scope, name),
    seniors: [...seniorsOf(scope, name)].sort(),
  }));
}

const VERSION_2_FACTS: ReadonlySet<string> = new Set(['velocity', 'local_time', 'weekday']);
const VERSION_2_FIELDS: ReadonlySet<string> = new Set(['customer', 'requested_by', 'local_time', 'weekday']);

/** Whether a condition reads anything only IR version 2 has. */
function usesVersion2(expr: ExprIR): boolean {
  switch (expr.op) {
    case 'true':
      return false;
    case 'and':
    case 'or':
      return expr.args.some(usesVersion2);
    case 'not':
      return usesVersion2(expr.arg);
    case 'in_list':
      return true;
    default:
      return VERSION_2_FIELDS.has(expr.field.kind);
  }
}

function collectFacts(rules: readonly RuleIR[]): FactIR[] {
  const facts = new Map<string, FactIR>();
  const walk = (expr: ExprIR): void => {
    switch (expr.op) {
      case 'and':
      case 'or':
        expr.args.forEach(walk);
        return;
      case 'not':
        walk(expr.arg);
        return;
      case 'true':
        return;
      case 'ratio':
        noteField(expr.field);
        noteField(expr.of);
        return;
      default:
        noteField(expr.field);
    }
  };
  const noteField = (field: { kind: string; fact?: string }): void => {
    const velocity = field.fact === undefined ? null : /^(customer|source|merchant)_(refunds|refunded)_last_/.exec(field.fact);
    if (field.kind === 'customer_refunds' && field.fact) {
      facts.set(field.fact, { name: field.fact, kind: 'customer_refund_count', window_hours: windowHours(field.fact) });
    } else if (velocity !== null && field.fact !== undefined) {
      const scope = velocity[1] as 'customer' | 'source' | 'merchant';
      const measure = velocity[2] === 'refunds' ? 'count' : 'sum';
      facts.set(field.fact, { name: field.fact, kind: 'velocity', scope, measure, window_hours: windowHours(field.fact) });
    } else if (field.kind === 'local_time') {
      facts.set('local_time', { name: 'local_time', kind: 'local_time' });
    } else if (field.kind === 'weekday') {
      facts.set('weekday', { name: 'weekday', kind: 'weekday' });
    } else if (field.kind === 'charge_refunded') {
      facts.set('charge_refunded_cents', { name: 'charge_refunded_cents', kind: 'charge_refunded' });
    }
  };
  rules.forEach((rule) => walk(rule.condition));
  return [...facts.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** `customer_refunds_last_30_days` -> 720. The name is built by semantics/subjects.ts#factName. */
function windowHours(fact: string): number {
  const match = /_last_(\d+)_(days|hours)$/.exec(fact);
  if (!match) throw new EmitError(`malformed fact name ${fact}`);
  return Number(match[1]) * (match[2] === 'days' ? 24 : 1);
}
