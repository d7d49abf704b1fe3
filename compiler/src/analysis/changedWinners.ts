// Where two versions of a policy that share most of their rules can decide differently, found
// from the changed rules alone. When both have the same `otherwise`, no `on missing`, and their
// shared rules in the same order, a request is decided alike unless a changed rule (one in only
// one version) wins it in one of them: if both winners are shared rules, each is the strongest
// matching rule of the other version too (the same rules match, in the same order); if one is
// `otherwise`, nothing matches, so the other is `otherwise` as well. So for each changed rule,
// where it wins in its own version is partitioned by the other version's winners there, and
// only the rules the overlap index says can meet it take part. Each piece whose two verdicts
// differ is a change; the pieces together are exactly where the decisions differ.

import { canonicalJson, type JsonValue, type PolicyIR, type RuleIR, type VerdictIR } from '@axiru/runtime';
import { rulePriorities, verdictKey } from './candidateOrder.js';
import type { Box } from './Box.js';
import { firstHolderParts, GAVE_UP, uncoveredBoxes } from './boxCover.js';
import { subtractAll } from './coverage.js';
import type { Space } from './Dimension.js';
import { OverlapIndex } from './OverlapIndex.js';
import type { Region, RegionAlgebra } from './Region.js';
import { truthOf } from './regionOf.js';

/** Requests (`region`) decided with verdict `before` by the old policy and `after` by the new. */
export interface VerdictChange {
  readonly before: VerdictIR;
  readonly after: VerdictIR;
  readonly region: Region;
}

/** One rule of either version: its TRUE region and its place in each version's order. */
interface Entry {
  readonly rule: RuleIR;
  readonly truth: Region;
  /** Priority in the old and the new policy (lower wins); undefined when not in that version. */
  readonly priority: readonly [number | undefined, number | undefined];
}

/**
 * The changes between `a` and `b`, each a region with its old and new verdict, or null when
 * the shortcut does not apply (different `otherwise`, an `on missing`, shared rules reordered,
 * or too many changed rules for it to pay).
 */
export function changedWinners(a: PolicyIR, b: PolicyIR, fresh: () => RegionAlgebra): VerdictChange[] | null {
  if (a.on_missing !== null || b.on_missing !== null) return null;
  if (canonicalJson(a.default as unknown as JsonValue) !== canonicalJson(b.default as unknown as JsonValue)) return null;
  const keyOf = (rule: RuleIR): string => canonicalJson(rule as unknown as JsonValue);
  const keysA = a.rules.map(keyOf);
  const keysB = b.rules.map(keyOf);
  const inA = new Set(keysA);
  const inB = new Set(keysB);
  if (keysA.filter((k) => inB.has(k)).join('\n') !== keysB.filter((k) => inA.has(k)).join('\n')) return null;
  const changedCount = keysA.filter((k) => !inB.has(k)).length + keysB.filter((k) => !inA.has(k)).length;
  if (changedCount * 4 > a.rules.length + b.rules.length) return null;

  // Every distinct rule once, shared rules with both priorities.
  const priorityA = rulePriorities(a);
  const priorityB = rulePriorities(b);
  const entries: Entry[] = [];
  const byKey = new Map<string, number>();
  const add = (rule: RuleIR, key: string, pa: number | undefined, pb: number | undefined): void => {
    const known = byKey.get(key);
    if (known !== undefined) {
      const entry = entries[known]!;
      entries[known] = { ...entry, priority: [entry.priority[0] ?? pa, entry.priority[1] ?? pb] };
      return;
    }
    byKey.set(key, entries.length);
    entries.push({ rule, truth: truthOf(rule.condition, fresh()), priority: [pa, pb] });
  };
  a.rules.forEach((rule, i) => add(rule, keysA[i]!, priorityA[i], undefined));
  b.rules.forEach((rule, i) => add(rule, keysB[i]!, undefined, priorityB[i]));
  const index = new OverlapIndex(fresh().space, entries.map((e) => e.truth));

  // Per changed rule, how many shared rules are stronger in its own version (a prefix of the
  // shared rules' common order).
  const version = (entry: Entry): 0 | 1 | null => {
    const [pa, pb] = entry.priority;
    return pa !== undefined && pb === undefined ? 0 : pa === undefined && pb !== undefined ? 1 : null;
  };
  const shared = entries.filter((entry) => version(entry) === null);
  const sharedBefore = entries.map((entry) => {
    const v = version(entry);
    return v === null ? 0 : shared.filter((s) => s.priority[v]! < entry.priority[v]!).length;
  });
  // Changed rule c (of one version) dominates changed rule r (of the other) when every shared
  // rule stronger than c is stronger than r too, ties going to the old version's rule. Where c
  // matches and r wins, the winner of c's version is then c or a changed rule stronger than it
  // (a shared one would beat r as well): that request is found from that rule's side, so r's
  // side leaves c's region out. The order is strict, so no request is left out from both sides.
  const dominates = (c: number, r: number): boolean =>
    sharedBefore[c]! < sharedBefore[r]! || (sharedBefore[c] === sharedBefore[r] && version(entries[c]!) === 0);

  const defaultKey = verdictKey(a.default);
  const changes: VerdictChange[] = [];
  entries.forEach((entry, i) => {
    const mine = version(entry);
    if (mine === null || entry.truth.boxes.length === 0) return;
    const other = mine === 0 ? 1 : 0;
    const priority = entry.priority[mine]!;
    const near = index.candidates(i);
    // Where the changed rule wins in its own version (its region less the stronger rules there),
    // less the regions of the other version's changed rules that dominate it.
    const carved = near.filter((j) => {
      const p = entries[j]!.priority[mine];
      if (p !== undefined) return p < priority;
      return version(entries[j]!) === other && dominates(j, i);
    });
    // Each changed rule is one question with its own work budget (Region.ts).
    const algebra = fresh();
    const ownKey = verdictKey(entry.rule);
    const record = (verdict: VerdictIR, piece: Region): void => {
      if (algebra.isEmpty(piece)) return;
      changes.push(mine === 0 ? { before: entry.rule, after: verdict, region: piece } : { before: verdict, after: entry.rule, region: piece });
    };
    const split = byBoxes(algebra.space, entry, carved, near, other);
    if (split !== GAVE_UP) {
      split.forEach(({ verdict, boxes }) => {
        if (verdictKey(verdict) !== ownKey) record(verdict, { boxes });
      });
      return;
    }
    const wins = subtractAll(algebra, entry.truth, carved.flatMap((j) => entries[j]!.truth.boxes));
    if (algebra.isEmpty(wins)) return;
    // The other version's winners there, strongest first; what no rule takes goes to `otherwise`.
    // The rules just carved out meet none of it.
    const gone = new Set(carved);
    const rivals = near
      .filter((j) => entries[j]!.priority[other] !== undefined && !gone.has(j))
      .sort((x, y) => entries[x]!.priority[other]! - entries[y]!.priority[other]!);
    let remaining = wins;
    for (const j of rivals) {
      if (algebra.isEmpty(remaining)) break;
      const rival = entries[j]!;
      // Where a rival with the same verdict wins nothing changes: it only takes its part away.
      if (verdictKey(rival.rule) !== ownKey) record(rival.rule, algebra.intersect(remaining, rival.truth));
      remaining = algebra.subtract(remaining, rival.truth);
    }
    if (!algebra.isEmpty(remaining) && defaultKey !== ownKey) record(a.default, remaining);
  });
  return changes;

  /**
   * Where the changed rule wins less the carved rules, split by the other version's winners
   * there (then `otherwise`), box by box (boxCover.ts): the same regions as the subtractions,
   * without carrying the whole remaining region through every step. Not for ratio axes, or
   * when it splits too far.
   */
  function byBoxes(
    space: Space,
    entry: Entry,
    carved: readonly number[],
    near: readonly number[],
    other: 0 | 1,
  ): { verdict: VerdictIR; boxes: Box[] }[] | typeof GAVE_UP {
    if (space.hasRatios()) return GAVE_UP;
    const wins = uncoveredBoxes(space, entry.truth.boxes, carved.flatMap((j) => entries[j]!.truth.boxes));
    if (wins === GAVE_UP) return GAVE_UP;
    if (wins.length === 0) return [];
    const gone = new Set(carved);
    const rivals = near
      .filter((j) => entries[j]!.priority[other] !== undefined && !gone.has(j))
      .sort((x, y) => entries[x]!.priority[other]! - entries[y]!.priority[other]!);
    const parts = firstHolderParts(space, wins, rivals.map((j) => entries[j]!.truth.boxes));
    if (parts === GAVE_UP) return GAVE_UP;
    return parts.map((boxes, k) => ({ verdict: k < rivals.length ? entries[rivals[k]!]!.rule : a.default, boxes })).filter((part) => part.boxes.length > 0);
  }
}
