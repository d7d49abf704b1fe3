// Phase 4: name resolution. Collects what the file declares (header, roles and their
// seniority, sources, rules, otherwise / on missing) into a Scope that checks, emission and
// the language server read. It reports nothing itself: each problem belongs to a check.
import type * as A from '../ast.js';

/** docs/language.md: sources default to these when the policy declares none. */
export const DEFAULT_SOURCES: readonly string[] = ['support_tool', 'ai_agent', 'automation', 'stripe_direct'];

export interface RoleSymbol {
  readonly name: string;
  /** Every place the role is declared. */
  readonly declarations: readonly A.Name[];
  /** Roles declared directly more senior (`this < senior`). */
  readonly directSeniors: ReadonlySet<string>;
}

export interface Scope {
  readonly headers: readonly A.Header[];
  readonly roles: ReadonlyMap<string, RoleSymbol>;
  /** Declared sources with their declarations; the defaults when none are declared (no declarations). */
  readonly sources: ReadonlyMap<string, readonly A.Name[]>;
  readonly sourcesDeclared: boolean;
  /** Declared lists with every place each is declared. */
  readonly lists: ReadonlyMap<string, readonly A.Name[]>;
  /** Every `timezone` declaration; a second one is an error. */
  readonly timezones: readonly A.TimezoneDecl[];
  /** First rule of each name; duplicates are in `duplicateRules`. */
  readonly rules: ReadonlyMap<string, A.RuleDecl>;
  readonly ruleOrder: readonly A.RuleDecl[];
  readonly otherwise: readonly A.OtherwiseDecl[];
  readonly onMissing: readonly A.OnMissingDecl[];
  readonly examples: readonly A.ExampleDecl[];
}

export function resolve(file: A.PolicyFile): Scope {
  const headers: A.Header[] = [];
  const roles = new Map<string, { declarations: A.Name[]; directSeniors: Set<string> }>();
  const sources = new Map<string, A.Name[]>();
  let sourcesDeclared = false;
  const lists = new Map<string, A.Name[]>();
  const timezones: A.TimezoneDecl[] = [];
  const rules = new Map<string, A.RuleDecl>();
  const ruleOrder: A.RuleDecl[] = [];
  const otherwise: A.OtherwiseDecl[] = [];
  const onMissing: A.OnMissingDecl[] = [];
  const examples: A.ExampleDecl[] = [];

  const role = (name: A.Name) => {
    let symbol = roles.get(name.text);
    if (!symbol) {
      symbol = { declarations: [], directSeniors: new Set() };
      roles.set(name.text, symbol);
    }
    symbol.declarations.push(name);
    return symbol;
  };

  for (const item of file.items) {
    switch (item.kind) {
      case 'Header':
        headers.push(item);
        break;
      case 'RolesDecl':
        for (const chain of item.chains) {
          chain.forEach((name, i) => {
            const symbol = role(name);
            const senior = chain[i + 1];
            if (senior) symbol.directSeniors.add(senior.text);
          });
        }
        break;
      case 'SourcesDecl':
        sourcesDeclared = true;
        for (const name of item.names) sources.set(name.text, [...(sources.get(name.text) ?? []), name]);
        break;
      case 'ListsDecl':
        for (const name of item.names) lists.set(name.text, [...(lists.get(name.text) ?? []), name]);
        break;
      case 'TimezoneDecl':
        timezones.push(item);
        break;
      case 'OtherwiseDecl':
        otherwise.push(item);
        break;
      case 'OnMissingDecl':
        onMissing.push(item);
        break;
      case 'Rule':
        ruleOrder.push(item);
        if (item.name && !rules.has(item.name.text)) rules.set(item.name.text, item);
        break;
      case 'Example':
        examples.push(item);
        break;
    }
  }
  if (!sourcesDeclared) for (const name of DEFAULT_SOURCES) sources.set(name, []);

  const roleSymbols = new Map<string, RoleSymbol>();
  for (const [name, symbol] of roles) roleSymbols.set(name, { name, ...symbol });
  return { headers, roles: roleSymbols, sources, sourcesDeclared, lists, timezones, rules, ruleOrder, otherwise, onMissing, examples };
}

/**
 * Every role strictly senior to `name`, following `<` transitively. Cycles are reported by
 * RoleSeniorityCheck; here they simply stop the walk.
 */
export function seniorsOf(scope: Scope, name: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(scope.roles.get(name)?.directSeniors ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const senior of scope.roles.get(next)?.directSeniors ?? []) stack.push(senior);
  }
  seen.delete(name);
  return seen;
}

/** Length of the longest chain of roles junior to `name` (0 = most junior). Cycles count once. */
export function rankOf(scope: Scope, name: string, visiting: Set<string> = new Set()): number {
  if (visiting.has(name)) return 0;
  visiting.add(name);
  let rank = 0;
  for (const [other, symbol] of scope.roles) {
    if (other !== name && symbol.directSeniors.has(name)) rank = Math.max(rank, 1 + rankOf(scope, other, visiting));
  }
  visiting.delete(name);
  return rank;
}
