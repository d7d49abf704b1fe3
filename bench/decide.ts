// Benchmark: how fast is decide()? Build with `tsc -b bench`, run with `node bench/dist/decide.js`.
//
// Over the same seeded pseudo-random requests it measures, in decisions per second:
//   (a) decide() on the acme policy IR,
//   (b) the acme policy hand-written in TypeScript (the ceiling),
//   (c) json-rules-engine with the acme policy in its own format (async; on a subset),
//   (d) decide() on a generated 1,000-rule policy,
// after checking that (a), (b) and (c) agree on every request. Each synchronous figure is the
// best of several timed passes after warm-up passes, so it shows the optimized code, not the
// JIT warming up. `--quick`: 2,000 requests, a 100-rule policy, one pass of each, the same code
// and checks, for CI; its figures mean nothing.

import { compile } from '@axiru/compiler';
import { readFileSync } from 'node:fs';
import { loadPolicy, type Decision, type DecisionInput } from '@axiru/runtime';
import { decideAcmeByHand, type HandDecision } from './acmeByHand.js';
import { createAcmeEngine, type EngineDecision } from './acmeRulesEngine.js';
import { randomInputs } from './inputs.js';
import { generateLargePolicy } from './largePolicy.js';

const QUICK = process.argv.includes('--quick');
const INPUT_COUNT = QUICK ? 2_000 : 200_000;
const SEED = 20260428;
const WARMUP_PASSES = QUICK ? 1 : 3;
const TIMED_PASSES = QUICK ? 1 : 9;
/** json-rules-engine and the large policy are timed on this many requests (every request is still checked once). */
const SUBSET = QUICK ? 200 : 20_000;
const LARGE_POLICY_RULES = QUICK ? 100 : 1_000;
/** Timed passes of json-rules-engine, after one warm-up pass. */
const TIMED_PASSES_ASYNC = QUICK ? 1 : 3;

/**
 * The acme policy IR. Until the compiler exists this is the hand-written fixture; later:
 * compile examples/acme.axiru here and return its IR.
 */
export function loadAcmeIR(): unknown {
  const source = readFileSync(new URL('../../examples/acme.axiru', import.meta.url), 'utf8');
  const result = compile(source, { fileName: 'examples/acme.axiru' });
  if (!result.ir) throw new Error(`examples/acme.axiru does not compile: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  return result.ir;
}

/** Keeps results observable so the optimizer cannot drop the work. */
let sink = 0;

function passSeconds(decide: (input: DecisionInput) => { readonly outcome: string }, inputs: readonly DecisionInput[]): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < inputs.length; i++) sink += decide(inputs[i] as DecisionInput).outcome.length;
  return Number(process.hrtime.bigint() - start) / 1e9;
}

interface Contender {
  readonly decide: (input: DecisionInput) => { readonly outcome: string };
  readonly inputs: readonly DecisionInput[];
}

/**
 * Decisions per second of each contender, best pass of TIMED_PASSES after WARMUP_PASSES. The
 * contenders take turns within each round, so a neighbour's load on a shared machine slows
 * them alike instead of skewing one figure.
 */
function measure(contenders: readonly Contender[]): number[] {
  for (let pass = 0; pass < WARMUP_PASSES; pass++) for (const { decide, inputs } of contenders) passSeconds(decide, inputs);
  const best = contenders.map(() => Infinity);
  for (let pass = 0; pass < TIMED_PASSES; pass++) {
    contenders.forEach(({ decide, inputs }, i) => {
      best[i] = Math.min(best[i] ?? Infinity, passSeconds(decide, inputs));
    });
  }
  return contenders.map(({ inputs }, i) => inputs.length / (best[i] ?? Infinity));
}

async function measureAsync(decide: (input: DecisionInput) => Promise<{ readonly outcome: string }>, inputs: readonly DecisionInput[]): Promise<number> {
  let best = Infinity;
  for (let pass = 0; pass < 1 + TIMED_PASSES_ASYNC; pass++) {
    const start = process.hrtime.bigint();
    for (const input of inputs) sink += (await decide(input)).outcome.length;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (pass > 0) best = Math.min(best, seconds); // pass 0 warms up
  }
  return inputs.length / best;
}

function disagree(index: number, input: DecisionInput, what: string, a: unknown, b: unknown): never {
  throw new Error(
    `decisions disagree on request #${index} (${what}):\n  input: ${JSON.stringify(input)}\n  decide(): ${JSON.stringify(a)}\n  other:    ${JSON.stringify(b)}`,
  );
}

function checkAgainstHand(inputs: readonly DecisionInput[], decide: (input: DecisionInput) => Decision): void {
  inputs.forEach((input, index) => {
    const a = decide(input);
    const b: HandDecision = decideAcmeByHand(input);
    for (const key of ['outcome', 'reason', 'matched_rule', 'approver_role', 'approvals_required'] as const) {
      if (a[key] !== b[key]) disagree(index, input, `hand-written, ${key}`, a, b);
    }
    if (a.matched_rules.join() !== b.matched_rules.join()) disagree(index, input, 'hand-written, matched_rules', a, b);
  });
}

async function checkAgainstEngine(inputs: readonly DecisionInput[], decide: (input: DecisionInput) => Decision, engine: (input: DecisionInput) => Promise<EngineDecision>): Promise<void> {
  for (let index = 0; index < inputs.length; index++) {
    const input = inputs[index] as DecisionInput;
    const a = decide(input);
    const c = await engine(input);
    if (a.outcome !== c.outcome || a.matched_rule !== c.matched_rule || a.reason !== c.reason) disagree(index, input, 'json-rules-engine', a, c);
    if (a.matched_rules.join() !== c.matched_rules.join()) disagree(index, input, 'json-rules-engine, matched_rules', a, c);
  }
}

/** The same requests with every key present (null when missing): one object shape for V8. */
function oneShape(inputs: readonly DecisionInput[]): DecisionInput[] {
  const keys = ['amount_cents', 'currency', 'source', 'reason', 'customer_tenure_days', 'customer_refunds_last_30_days', 'charge_amount_cents', 'stripe_account'];
  return inputs.map((input) => Object.fromEntries(keys.map((key) => [key, input[key] ?? null])) as DecisionInput);
}

function checkSame(inputs: readonly DecisionInput[], first: (input: DecisionInput) => Decision, second: (input: DecisionInput) => Decision, what: string): void {
  inputs.forEach((input, index) => {
    const a = first(input);
    const b = second(input);
    if (JSON.stringify(a) !== JSON.stringify(b)) disagree(index, input, what, a, b);
  });
}

function row(label: string, perSecond: number, note = ''): string {
  return `${label.padEnd(52)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)}/s  ${note}`;
}

async function main(): Promise<void> {
  const inputs = randomInputs(INPUT_COUNT, SEED);
  const acme = loadPolicy(loadAcmeIR());
  const acmeInterpreted = loadPolicy(loadAcmeIR(), { generateCode: false });
  const large = loadPolicy(generateLargePolicy(LARGE_POLICY_RULES, SEED));
  const largeInterpreted = loadPolicy(generateLargePolicy(LARGE_POLICY_RULES, SEED), { generateCode: false });
  const shaped = oneShape(inputs);
  const subset = inputs.slice(0, SUBSET);
  const engine = createAcmeEngine();

  const missing = inputs.filter((input) => acme.decide(input).missing_fields.length > 0).length;
  console.log(`${INPUT_COUNT.toLocaleString('en-US')} seeded requests (seed ${SEED}); ${((100 * missing) / INPUT_COUNT).toFixed(1)}% leave some acme rule undecided for lack of input.`);
  const outcomes = new Map<string, number>();
  for (const input of inputs) outcomes.set(acme.decide(input).outcome, (outcomes.get(acme.decide(input).outcome) ?? 0) + 1);
  console.log(`acme outcomes: ${[...outcomes].map(([outcome, count]) => `${outcome} ${((100 * count) / INPUT_COUNT).toFixed(1)}%`).join(', ')}`);

  process.stdout.write('checking that decide(), the hand-written function and json-rules-engine agree on every request... ');
  checkAgainstHand(inputs, acme.decide);
  checkAgainstHand(inputs, acmeInterpreted.decide);
  inputs.forEach((input, index) => {
    const reshaped = shaped[index] as DecisionInput;
    if (JSON.stringify(acme.decide(input)) !== JSON.stringify(acme.decide(reshaped))) disagree(index, input, 'same request in one shape', acme.decide(input), acme.decide(reshaped));
  });
  checkSame(subset, large.decide, largeInterpreted.decide, `${LARGE_POLICY_RULES.toLocaleString('en-US')} rules, generated vs interpreted`);
  await checkAgainstEngine(inputs, acme.decide, engine);
  console.log('they do.\n');

  const c = await measureAsync(engine, subset);
  const [a = 0, b = 0, d = 0, interpreted = 0, aShaped = 0, bShaped = 0] = measure([
    { decide: acme.decide, inputs },
    { decide: decideAcmeByHand, inputs },
    { decide: large.decide, inputs: subset },
    { decide: acmeInterpreted.decide, inputs },
    { decide: acme.decide, inputs: shaped },
    { decide: decideAcmeByHand, inputs: shaped },
  ]);

  console.log(row('(a) decide(), acme IR', a, `engine: ${acme.engine}`));
  console.log(row('(b) hand-written TypeScript, acme', b));
  console.log(row(`(c) json-rules-engine, acme (await each, ${SUBSET.toLocaleString('en-US')} requests)`, c));
  console.log(row(`(d) decide(), ${LARGE_POLICY_RULES.toLocaleString('en-US')}-rule generated policy (${SUBSET.toLocaleString('en-US')} requests)`, d, `engine: ${large.engine}`));
  console.log(row('    decide(), acme IR, interpreted (no code generation)', interpreted));
  console.log(row('    decide(), acme IR, requests of one object shape', aShaped));
  console.log(row('    hand-written, acme, requests of one object shape', bShaped));
  console.log('');
  console.log(`a/b = ${(a / b).toFixed(2)}   (goal: at least 0.25)`);
  console.log(`a/c = ${(a / c).toFixed(0)}x  (goal: over 100x)`);
  console.log(`one object shape: decide/hand-written = ${(aShaped / bShaped).toFixed(2)}`);
  if (sink === 0) console.log(''); // keeps `sink` alive
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
