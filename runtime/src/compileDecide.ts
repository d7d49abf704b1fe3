// Builds a policy's decide function, once, when the policy loads.
//
// The generated function reads every request field the policy needs into locals (with the type
// checks of readInput.ts), then evaluates each rule in file order. A rule whose fields are all
// present takes the two-valued path: plain boolean code, as fast as a hand-written function.
// Only a rule that lacks a field takes the three-valued path, which also computes which missing
// fields left it undecided, as a bitmask; decisionBuilder.ts turns that into `missing_fields`.
//
// Where code generation is not allowed (a Content-Security-Policy without 'unsafe-eval') or not
// wanted, interpretDecide() evaluates the same IR with the reference evaluator; both give
// deep-equal decisions, which the tests check on random policies and inputs.

import type { Decision, PolicyIR } from './ir.js';
import { CURRENCY_LOCAL, fieldsRead, slotName, threeValued, threeValuedWithMissing, twoValued, type Slots } from './compileCondition.js';
import type { DecisionBuilder } from './decisionBuilder.js';
import { compareDaysToHours, compareRatio } from './exactCompare.js';
import { evaluateCondition, TRUE, UNKNOWN } from './evaluateCondition.js';
import { MAX_MASKED_SLOTS, planSlots, type InputSlot } from './inputSlots.js';
import { asRecord, isWeekday, listOf, minutesOfDay } from './readInput.js';

export type DecideFunction = (input: unknown) => Decision;

/** Rules per generated function: keeps each one small enough for V8's optimizing compiler. */
const RULES_PER_CHUNK = 32;

/** The reference path: no generated code, the same decisions. */
export function interpretDecide(ir: PolicyIR, builder: DecisionBuilder): DecideFunction {
  const conditions = ir.rules.map((rule) => rule.condition);
  const priorities = builder.order.rulePriority;
  return (raw) => {
    const input = asRecord(raw);
    // Fresh arrays: the evaluator reads the request while they fill, and nothing it reads
    // (a getter calling decide again) may share them.
    const hits = new Int32Array(conditions.length);
    const undecided = new Int32Array(conditions.length);
    let matched = 0;
    let pending = 0;
    let best = builder.noPriority;
    for (const [i, condition] of conditions.entries()) {
      const truth = evaluateCondition(condition, input);
      if (truth === TRUE) {
        hits[matched++] = i;
        const priority = priorities[i] ?? builder.noPriority;
        if (priority < best) best = priority;
      } else if (truth === UNKNOWN) {
        undecided[pending++] = i;
      }
    }
    return pending === 0
      ? builder.decided(hits, matched, best)
      : builder.undecided(hits, matched, best, undecided, pending, 0, input);
  };
}

/** Source reading one slot into `v{i}` and its present-flag `k{i}`. */
function readSlotSource(slot: InputSlot): string {
  const v = `v${slot.index}`;
  const k = `k${slot.index}`;
  const read = `const ${v} = input[${JSON.stringify(slot.name)}];`;
  switch (slot.check) {
    case 'money':
      return `${read} const ${k} = typeof ${v} === "number" && isSafe(${v});`;
    case 'days':
      return `${read} const ${k} = typeof ${v} === "number" && ${v} >= 0 && ${v} < Infinity;`;
    case 'count':
      return `${read} const ${k} = typeof ${v} === "number" && isSafe(${v}) && ${v} >= 0;`;
    case 'string':
      return `${read} const ${k} = typeof ${v} === "string";`;
    case 'weekday':
      return `${read} const ${k} = isWeekday(${v});`;
    case 'time':
      // Minutes since midnight, or undefined when not an `HH:MM` string.
      return `const ${v} = minutes(input.local_time); const ${k} = ${v} !== undefined;`;
    case 'list': {
      const name = JSON.stringify(slot.field.kind === 'list' ? slot.field.list : '');
      return `const ${v} = listOf(input, ${name}); const ${k} = ${v} !== undefined;`;
    }
    case 'metadata': {
      const key = JSON.stringify(slot.field.kind === 'metadata' ? slot.field.key : '');
      return `const ${v} = meta && hasOwn(md, ${key}) ? md[${key}] : undefined; const ${k} = typeof ${v} === "string";`;
    }
  }
}

/** Every currency a policy compares against, to normalize common spellings without toUpperCase(). */
function currenciesOf(ir: PolicyIR): string[] {
  const found = new Set<string>(['USD']);
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      if (record['type'] === 'money' && typeof record['currency'] === 'string') found.add(record['currency']);
      if (record['type'] === 'symbol' && typeof record['value'] === 'string' && /^[A-Z]{3}$/.test(record['value'])) {
        found.add(record['value']);
      }
      Object.values(record).forEach(visit);
    }
  };
  ir.rules.forEach((rule) => visit(rule.condition));
  return [...found].sort();
}

function currencySource(ir: PolicyIR): string {
  // The refund's currency, upper-case: exact spellings the policy uses are matched without
  // allocating; anything else goes through toUpperCase() (locale-independent).
  const known = currenciesOf(ir)
    .map((code) => `raw === ${JSON.stringify(code.toLowerCase())} || raw === ${JSON.stringify(code)} ? ${JSON.stringify(code)} : `)
    .join('');
  return `const raw = input.currency; const ${CURRENCY_LOCAL} = typeof raw !== "string" ? "USD" : ${known}raw.toUpperCase();`;
}

interface RuleBlock {
  /** Slot indices the rule reads. */
  readonly used: readonly number[];
  readonly source: string;
}

/** One rule: a two-valued test when its fields are present, else the three-valued one. */
function ruleBlock(ir: PolicyIR, index: number, builder: DecisionBuilder, slots: Slots, slotIndex: (name: string) => number, masked: boolean): RuleBlock {
  const rule = ir.rules[index];
  if (rule === undefined) throw new Error(`unreachable: no rule ${index}`);
  const priority = builder.order.rulePriority[index] ?? builder.noPriority;
  const matched = `H[nm++] = ${index}; if (${priority} < best) best = ${priority};`;
  const used = [...new Set(fieldsRead(rule.condition).map((field) => slotIndex(slotName(field))))].sort((a, b) => a - b);
  // The id as a comment, for whoever reads the generated code; anything but a plain name
  // character is replaced, since a line separator would end the comment.
  const header = `// rule ${rule.id.replace(/[^\w.-]/g, '?')}\n`;
  const fast = `if (${twoValued(rule.condition, slots)}) { ${matched} }`;
  if (used.length === 0) return { used, source: `${header}${fast}` };

  let slow: string;
  if (masked) {
    const statements: string[] = [];
    const root = threeValuedWithMissing(rule.condition, slots, statements, { next: 0 });
    slow = `${statements.join(' ')} if (${root.truth} === 2) { ${matched} } else if (${root.truth} === 1) { U[nu++] = ${index}; mm |= ${root.mask}; }`;
  } else {
    slow = `const t = ${threeValued(rule.condition, slots)}; if (t === 2) { ${matched} } else if (t === 1) U[nu++] = ${index};`;
  }
  return { used, source: `${header}if (${used.map((i) => `k${i}`).join(' && ')}) { ${fast} } else { ${slow} }` };
}

/**
 * Generates the decide function. Throws when the environment forbids `new Function`; the
 * caller then falls back to interpretDecide().
 */
export function generateDecide(ir: PolicyIR, builder: DecisionBuilder): DecideFunction {
  const planned = planSlots(ir);
  const byName = new Map(planned.map((slot) => [slot.name, slot]));
  const slotIndex = (name: string): number => {
    const slot = byName.get(name);
    if (slot === undefined) throw new Error(`unreachable: no slot for ${name}`);
    return slot.index;
  };
  // Missing fields travel as a bitmask when there are few enough slots; otherwise (dozens of
  // metadata keys) the builder lists them by re-reading the undecided rules.
  const masked = planned.length <= MAX_MASKED_SLOTS;
  const constants: unknown[] = [];
  const slots: Slots = {
    slotOf: (field) => {
      const index = slotIndex(slotName(field));
      return { value: `v${index}`, present: `k${index}`, bit: masked ? 1 << index : 0 };
    },
    constant: (value) => {
      constants.push(value);
      return `K[${constants.length - 1}]`;
    },
  };
  const blocks = ir.rules.map((_, index) => ruleBlock(ir, index, builder, slots, slotIndex, masked));

  const prologue = [
    'if (typeof input !== "object" || input === null) input = EMPTY;',
    currencySource(ir),
    planned.some((slot) => slot.check === 'metadata')
      ? 'const md = input.metadata; const meta = typeof md === "object" && md !== null && !isArray(md);'
      : '',
    ...planned.map(readSlotSource),
  ].join('\n');
  const finish = 'return nu === 0 ? decided(H, nm, best) : undecided(H, nm, best, U, nu, mm, input);';

  let source: string;
  if (blocks.length <= RULES_PER_CHUNK) {
    source = `return function decide(input) {
${prologue}
let nm = 0, nu = 0, best = ${builder.noPriority}, mm = 0;
${blocks.map((block) => block.source).join('\n')}
${finish}
};`;
  } else {
    // Large policies: chunks of rules in separate functions, each passed only the locals it
    // reads, sharing the counters through S. They run one after another and never
    // re-entrantly: every request value is read before the first chunk runs.
    const chunks: string[] = [];
    const calls: string[] = [];
    for (let start = 0; start < blocks.length; start += RULES_PER_CHUNK) {
      const chunk = blocks.slice(start, start + RULES_PER_CHUNK);
      const used = [...new Set(chunk.flatMap((block) => block.used))].sort((a, b) => a - b);
      const params = [CURRENCY_LOCAL, ...used.flatMap((i) => [`v${i}`, `k${i}`])].join(', ');
      const name = `chunk${chunks.length}`;
      chunks.push(`function ${name}(${params}) {
let nm = S[0], nu = S[1], best = S[2], mm = S[3];
${chunk.map((block) => block.source).join('\n')}
S[0] = nm; S[1] = nu; S[2] = best; S[3] = mm;
}`);
      calls.push(`${name}(${params});`);
    }
    source = `${chunks.join('\n')}
return function decide(input) {
${prologue}
S[0] = 0; S[1] = 0; S[2] = ${builder.noPriority}; S[3] = 0;
${calls.join('\n')}
const nm = S[0], nu = S[1], best = S[2], mm = S[3];
${finish}
};`;
  }

  const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);
  const factory = new Function(
    'H', 'U', 'S', 'K', 'decided', 'undecided', 'isSafe', 'isArray', 'hasOwn', 'cd', 'cr', 'EMPTY', 'isWeekday', 'minutes', 'listOf',
    `"use strict";\n${source}`,
  ) as (...args: unknown[]) => DecideFunction;
  return factory(
    new Int32Array(ir.rules.length), new Int32Array(ir.rules.length), new Int32Array(4), constants,
    builder.decided, builder.undecided, Number.isSafeInteger, Array.isArray, hasOwn,
    compareDaysToHours, compareRatio, Object.freeze({}), isWeekday, minutesOfDay, listOf,
  );
}
