// The names a policy offers at a cursor: its roles (with seniority), rules, sources, and the
// reasons and merchants it already mentions. Taken from the latest compile, which may be a few
// keystrokes old: names change rarely, and completion must not wait for a compile.
import { DEFAULT_SOURCES, rankOf, seniorsOf, visit, type RuleDecl } from '@axiru/compiler';
import type { PolicyDocument } from '../PolicyDocument.js';
import { STRIPE_REASONS } from './vocabulary.js';

export interface NamedThing {
  readonly name: string;
  readonly detail: string;
}

export interface PolicyNames {
  readonly roles: readonly NamedThing[];
  readonly rules: readonly NamedThing[];
  readonly sources: readonly string[];
  readonly reasons: readonly string[];
  readonly merchants: readonly string[];
  /** The lists the policy declares (`lists ...`). */
  readonly lists: readonly string[];
  readonly hasHeader: boolean;
  readonly hasTimezone: boolean;
  readonly hasOtherwise: boolean;
  readonly hasOnMissing: boolean;
}

export const NO_NAMES: PolicyNames = {
  roles: [],
  rules: [],
  sources: DEFAULT_SOURCES,
  reasons: STRIPE_REASONS,
  merchants: [],
  lists: [],
  hasHeader: false,
  hasTimezone: false,
  hasOtherwise: false,
  hasOnMissing: false,
};

const cache = new WeakMap<PolicyDocument, PolicyNames>();

export function policyNames(document: PolicyDocument): PolicyNames {
  let names = cache.get(document);
  if (!names) {
    names = collectNames(document);
    cache.set(document, names);
  }
  return names;
}

function collectNames(document: PolicyDocument): PolicyNames {
  const { scope, file } = document;
  const roles = [...scope.roles.keys()].map((name) => {
    const seniors = [...seniorsOf(scope, name)].sort();
    const rank = rankOf(scope, name);
    return { name, detail: seniors.length > 0 ? `role (rank ${rank}); seniors: ${seniors.join(', ')}` : `role (rank ${rank}), most senior` };
  });
  const rules = scope.ruleOrder.flatMap((rule) => (rule.name ? [{ name: rule.name.text, detail: ruleDetail(rule) }] : []));
  const reasons = new Set(STRIPE_REASONS);
  const merchants = new Set<string>();
  visit(file, (node) => {
    if (node.kind === 'MerchantQualifier') for (const name of node.names) merchants.add(name.text);
    if (node.kind === 'Comparison' && (node.subject.field === 'reason' || node.subject.field === 'merchant')) {
      for (const value of node.values) if (value.kind === 'Symbol') (node.subject.field === 'reason' ? reasons : merchants).add(value.name);
    }
    if (node.kind === 'ExampleField' && node.value?.kind === 'Symbol') {
      if (node.key.text === 'reason') reasons.add(node.value.name);
      if (node.key.text === 'stripe_account') merchants.add(node.value.name);
    }
  });
  return {
    roles,
    rules,
    sources: [...scope.sources.keys()],
    reasons: [...reasons],
    merchants: [...merchants].sort(),
    lists: [...scope.lists.keys()],
    hasHeader: scope.headers.length > 0,
    hasTimezone: scope.timezones.length > 0,
    hasOtherwise: scope.otherwise.length > 0,
    hasOnMissing: scope.onMissing.length > 0,
  };
}

function ruleDetail(rule: RuleDecl): string {
  const statement = rule.statement;
  if (!statement) return 'rule';
  if (statement.verb !== 'require') return `rule: ${statement.verb}`;
  const roles = statement.approval?.roles.map((r) => r.text).join(' or ') ?? '';
  return `rule: require ${roles}`.trimEnd();
}
