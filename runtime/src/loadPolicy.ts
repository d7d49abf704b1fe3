// loadPolicy(): validate the IR once, prepare everything a decision needs once, then decide
// many times. This is the runtime's entry point (docs/language.md, "IR").

import type { Decision, DecisionInput, PolicyIR } from './ir.js';
import { generateDecide, interpretDecide, type DecideFunction } from './compileDecide.js';
import { createDecisionBuilder } from './decisionBuilder.js';
import { explainDecision, type Explanation } from './explain.js';
import { PolicyLoadError } from './PolicyLoadError.js';
import { asRecord } from './readInput.js';
import { validateIR } from './validate.js';

export interface LoadOptions {
  /**
   * Generate JavaScript for the policy's conditions (the default), or interpret the IR tree.
   * Both give identical decisions; generated code is several times faster. Where `new Function`
   * is forbidden (a strict Content-Security-Policy), loading falls back to interpreting.
   */
  readonly generateCode?: boolean;
}

export interface LoadedPolicy {
  /** The policy's name from its header. */
  readonly policy: string;
  readonly version: number;
  /** `v${version}`, as decisions report it. */
  readonly policyVersion: string;
  /** `sha256:` digest of the canonical IR: which exact policy decided. */
  readonly hash: string;
  /** A frozen copy of the IR that was loaded. */
  readonly ir: PolicyIR;
  /** How decide() runs: generated code, or the reference interpreter. */
  readonly engine: 'generated' | 'interpreted';
  /**
   * Decides a refund request. Total and deterministic: the same IR and input give deep-equal
   * decisions, and no input makes it throw (a field of the wrong type counts as missing).
   * Decisions are frozen and may be shared between calls.
   */
  readonly decide: (input: DecisionInput) => Decision;
  /** The decision with a per-rule, per-comparison trace and a sentence on why. */
  readonly explain: (input: DecisionInput) => Explanation;
}

/** A deep, frozen copy of validated IR: later changes by the caller cannot reach the policy. */
function frozenCopy<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) copy[key] = frozenCopy((value as Record<string, unknown>)[key]);
    return Object.freeze(copy) as T;
  }
  return value;
}

/**
 * Validates and prepares a policy. Throws PolicyLoadError, listing every problem, when the IR
 * is invalid or of another ir_version: IR comes from the compiler, so that is a programming
 * error of the caller, not a condition to decide around.
 */
export function loadPolicy(ir: unknown, options: LoadOptions = {}): LoadedPolicy {
  const result = validateIR(ir);
  if (!result.ok) throw new PolicyLoadError(result.errors);
  const policy = frozenCopy(result.ir);
  const builder = createDecisionBuilder(policy);

  let decide: DecideFunction;
  let engine: LoadedPolicy['engine'] = 'interpreted';
  if (options.generateCode === false) {
    decide = interpretDecide(policy, builder);
  } else {
    try {
      decide = generateDecide(policy, builder);
      engine = 'generated';
    } catch {
      // `new Function` refused by the environment: same decisions, interpreted.
      decide = interpretDecide(policy, builder);
    }
  }

  const context = { ir: policy, order: builder.order };
  return Object.freeze({
    policy: policy.policy,
    version: policy.version,
    policyVersion: `v${policy.version}`,
    hash: policy.hash,
    ir: policy,
    engine,
    decide,
    explain: (input: DecisionInput) => explainDecision(context, decide(input), asRecord(input)),
  });
}
