// Can a condition be TRUE for some request? `no` is a proof over the exact region algebra;
// `yes` always comes with a request on which the runtime finds the condition TRUE.

import type { DecisionInput, ExprIR } from '@axiru/runtime';
import type { AnalysisOptions } from './AnalysisOptions.js';
import { Space } from './Dimension.js';
import { inconclusiveReason } from './InconclusiveError.js';
import { probePolicy, truthByRuntime } from './probePolicy.js';
import { RegionAlgebra } from './Region.js';
import { regionOf } from './regionOf.js';
import { runtimeDecide } from './runtimeDecide.js';
import { witness } from './witness.js';

export type Satisfiability =
  | { readonly result: 'yes'; readonly witness: DecisionInput }
  | { readonly result: 'no' }
  | { readonly result: 'inconclusive'; readonly why: string };

export interface SatisfiableOptions extends AnalysisOptions {
  /**
   * The declared sources, when known: requests from other sources are rejected by the server,
   * so `from a or b or c` may cover every source. Without them any string is a possible source.
   */
  readonly sources?: readonly string[];
}

/**
 * Whether satisfiable() answers `no`, without looking for a witness when it would not: the
 * condition's TRUE region is provably empty. For callers that only need to know that much
 * (ImpossibleConditionCheck, once per rule and per part of a contradiction), the witness's
 * runtime confirmation is most of satisfiable()'s cost.
 */
export function provablyUnsatisfiable(expr: ExprIR, options: SatisfiableOptions = {}): boolean {
  // Under the default limits the answer depends only on the condition and the sources: kept, so
  // that the language server's analysis after each edit asks only about the rules that changed.
  const key = options.limits === undefined && options.decide === undefined ? `${JSON.stringify(options.sources ?? null)}\u0000${JSON.stringify(expr)}` : null;
  const known = key === null ? undefined : unsatisfiableMemo.get(key);
  if (known !== undefined) return known;
  const answer = provablyEmpty(expr, options);
  if (key !== null) {
    if (unsatisfiableMemo.size >= MAX_UNSATISFIABLE_ANSWERS) unsatisfiableMemo.clear();
    unsatisfiableMemo.set(key, answer);
  }
  return answer;
}

/** Answers of provablyUnsatisfiable() under the default limits, by sources and condition. */
const unsatisfiableMemo = new Map<string, boolean>();
const MAX_UNSATISFIABLE_ANSWERS = 100_000;

function provablyEmpty(expr: ExprIR, options: SatisfiableOptions): boolean {
  try {
    const algebra = new RegionAlgebra(new Space({ sources: options.sources ?? null }), options.limits);
    return algebra.isEmpty(regionOf(expr, algebra).truth);
  } catch (error) {
    // What satisfiable() calls inconclusive is not a `no`; anything else is a bug, rethrown.
    inconclusiveReason(error);
    return false;
  }
}

export function satisfiable(expr: ExprIR, options: SatisfiableOptions = {}): Satisfiability {
  try {
    const space = new Space({ sources: options.sources ?? null });
    const algebra = new RegionAlgebra(space, options.limits);
    const { truth } = regionOf(expr, algebra);
    if (algebra.isEmpty(truth)) return { result: 'no' };
    const decide = options.decide ?? runtimeDecide;
    const probe = probePolicy(expr, options.sources);
    const found = witness(space, truth, (input) => truthByRuntime(decide, probe, input) === 'true', {
      sourcePreference: options.sources ?? [],
    });
    if (found !== null) return { result: 'yes', witness: found };
    return { result: 'inconclusive', why: 'the condition looks satisfiable but no request could be built that the runtime confirms' };
  } catch (error) {
    return { result: 'inconclusive', why: inconclusiveReason(error) };
  }
}
