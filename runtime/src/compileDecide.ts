// Builds a policy's decide function, once, when the policy loads.
//
// The generated function reads every request field the policy needs into locals (with the type
// checks of readInput.ts), then evaluates each rule in file order. A rule whose fields are all
// present takes the two-valued path: plain boolean code, as fast as a hand-written function.
// Only a rule that lacks a field takes the three-valued path, and only an undecided rule sends
// the decision down the slow path that lists missing fields (decisionBuilder.ts).
//
// Where code generation is not allowed (a Content-Security-Policy without 'unsafe-eval') or not
// wanted, interpretDecide() evaluates the same IR with the reference evaluator; both give
// deep-equal decisions, which the tests check on random policies and inputs.

import type { Decision, FieldIR, PolicyIR } from './ir.js';
import { CURRENCY_LOCAL, fieldsRead, threeValued, twoValued, type Slots } from './compileCondition.js';
import type { DecisionBuilder } from './decisionBuilder.js';
import { compareDaysToHours, compareRatio } from './exactCompare.js';
import { evaluateCondition, TRUE, UNKNOWN } from './evaluateCondition.js';
import { FIELD_TYPES, inputNameOf } from './fields.js';
import { asRecord } from './readInput.js';

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
    for (let i = 0; i < conditions.length; i++) {
      const truth = evaluateCondition(conditions[i] ?? { op: 'true' }, input);
      if (truth === TRUE) {
        hits[matched++] = i;
        const priority = priorities[i] ?? builder.noPriority;
        if (priority < best) best = priority;
      } else if (truth === UNKNOWN) {
        undecided[pending++] = i;
      }
    }
    return builder.finish(hits, matched, best, undecided, pending, input);
  };
}

/** How a slot's raw value is checked: see readInput.ts for the rules. */
type SlotCheck = 'money' | 'days' | 'count' | 'string' | 'metadata';

interface Slot {
  readonly index: number;
  readonly name: string;
  readonly check: SlotCheck;
  readonly field: FieldIR;
}

function slotCheck(field: FieldIR): SlotCheck {
  if (field.kind === 'metadata') return 'metadata';
  switch (FIELD_TYPES[field.kind]) {
    case 'money':
      return 'money';
    case 'duration':
      return 'days';
    case 'count':
      return 'count';
    default:
      return 'string';
  }
}

/** Source reading one slot into `v{i}` and its present-flag `k{i}`. */
function readSlotSource(slot: Slot): string {
  const v = `v${slot.index}`;
  const k = `k${slot.index}`;
  switch (slot.check) {
    case 'money':
      return `const ${v} = input[${JSON.stringify(slot.name)}]; const ${k} = typeof ${v} === "number" && isSafe(${v});`;
    case 'days':
      return `const ${v} = input[${JSON.stringify(slot.name)}]; const ${k} = typeof ${v} === "number" && ${v} >= 0 && ${v} < Infinity;`;
    case 'count':
      return `const ${v} = input[${JSON.stringify(slot.name)}]; const ${k} = typeof ${v} === "number" && isSafe(${v}) && ${v} >= 0;`;
    case 'string':
      return `const ${v} = input[${JSON.stringify(slot.name)}]; const ${k} = typeof ${v} === "string";`;
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

/**
 * Generates the decide function. Throws when the environment forbids `new Function`; the
 * caller then falls back to interpretDecide().
 */
export function generateDecide(ir: PolicyIR, builder: DecisionBuilder): DecideFunction {
  const slots = new Map<string, Slot>();
  const constants: unknown[] = [];
  const slotOf = (field: FieldIR): Slot => {
    const name = inputNameOf(field);
    let slot = slots.get(name);
    if (slot === undefined) {
      slot = { index: slots.size, name, check: slotCheck(field), field };
      slots.set(name, slot);
    }
    return slot;
  };
  const resolver: Slots = {
    slotOf: (field) => {
      const slot = slotOf(field);
      return { value: `v${slot.index}`, present: `k${slot.index}` };
    },
    constant: (value) => {
      constants.push(value);
      return `K[${constants.length - 1}]`;
    },
  };

  // One block per rule; the state (nm matched, nu undecided, best priority) lives in locals.
  const ruleBlocks = ir.rules.map((rule, index) => {
    const priority = builder.order.rulePriority[index] ?? builder.noPriority;
    const matched = `H[nm++] = ${index}; if (${priority} < best) best = ${priority};`;
    const fields = fieldsRead(rule.condition);
    const used = [...new Set(fields.map((field) => slotOf(field).index))].sort((a, b) => a - b);
    const fast = `if (${twoValued(rule.condition, resolver)}) { ${matched} }`;
    // The id as a comment, for whoever reads the generated code; anything but a plain name
    // character is replaced, since a line separator would end the comment.
    const header = `// rule ${rule.id.replace(/[^\w.-]/g, '?')}\n`;
    if (used.length === 0) return { used, source: `${header}${fast}` };
    const present = used.map((i) => `k${i}`).join(' && ');
    const slow = `const t = ${threeValued(rule.condition, resolver)}; if (t === 2) { ${matched} } else if (t === 1) U[nu++] = ${index};`;
    return { used, source: `${header}if (${present}) { ${fast} } else { ${slow} }` };
  });

  const allSlots = [...slots.values()];
  const readsMetadata = allSlots.some((slot) => slot.check === 'metadata');
  const prologue = [
    'if (typeof input !== "object" || input === null) input = EMPTY;',
    currencySource(ir),
    readsMetadata ? 'const md = input.metadata; const meta = typeof md === "object" && md !== null && !isArray(md);' : '',
    ...allSlots.map(readSlotSource),
  ].join('\n');

  let body: string;
  if (ruleBlocks.length <= RULES_PER_CHUNK) {
    body = `${prologue}\nlet nm = 0, nu = 0, best = ${builder.noPriority};\n${ruleBlocks.map((b) => b.source).join('\n')}\nreturn finish(H, nm, best, U, nu, input);`;
  } else {
    // Large policies: chunks of rules in separate functions, each passed only the locals it
    // reads, sharing the counters through S (they run one after another, never re-entrantly,
    // because every request value is read before the first chunk runs).
    const chunks: string[] = [];
    const calls: string[] = [];
    for (let start = 0; start < ruleBlocks.length; start += RULES_PER_CHUNK) {
      const blocks = ruleBlocks.slice(start, start + RULES_PER_CHUNK);
      const used = [...new Set(blocks.flatMap((b) => b.used))].sort((a, b) => a - b);
      const params = [CURRENCY_LOCAL, ...used.flatMap((i) => [`v${i}`, `k${i}`])].join(', ');
      const name = `chunk${chunks.length}`;
      chunks.push(
        `function ${name}(${params}) {\nlet nm = S[0], nu = S[1], best = S[2];\n${blocks.map((b) => b.source).join('\n')}\nS[0] = nm; S[1] = nu; S[2] = best;\n}`,
      );
      calls.push(`${name}(${params});`);
    }
    body = `${chunks.join('\n')}\nreturn function decide(input) {\n${prologue}\nS[0] = 0; S[1] = 0; S[2] = ${builder.noPriority};\n${calls.join('\n')}\nreturn finish(H, S[0], S[2], U, S[1], input);\n};`;
  }
  const source = ruleBlocks.length <= RULES_PER_CHUNK ? `return function decide(input) {\n${body}\n};` : body;

  const hits = new Int32Array(ir.rules.length);
  const undecided = new Int32Array(ir.rules.length);
  const state = new Int32Array(3);
  const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the point of this module
  const factory = new Function(
    'H', 'U', 'S', 'K', 'finish', 'isSafe', 'isArray', 'hasOwn', 'cd', 'cr', 'EMPTY',
    `"use strict";\n${source}`,
  ) as (...args: unknown[]) => DecideFunction;
  return factory(
    hits, undecided, state, constants, builder.finish, Number.isSafeInteger, Array.isArray, hasOwn,
    compareDaysToHours, compareRatio, Object.freeze({}),
  );
}
