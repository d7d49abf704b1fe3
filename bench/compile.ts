// Compiler benchmark: compile time of a generated 10,000-rule policy (front end and IR
// emission), the static analysis on 1,000- and 10,000-rule policies, `axiru diff` of two
// 1,000-rule policies that differ in 10 rules, and `axiru check examples/*.axiru` wall time
// including Node start-up, against `node -e ''` measured in the same run. Analysis times are
// given as wall time and as this process's CPU time (steadier on a busy machine).
// `--quick`: 500- and 50-rule policies, one run of each, the same code, for CI; its figures mean nothing.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyzeRulesReport, compile, DEFAULT_LIMITS, diffPolicies } from '@axiru/compiler';
import { generatePolicySource } from './policySource.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const QUICK = process.argv.includes('--quick');
const BIG_RULES = QUICK ? 500 : 10_000;
const MEDIUM_RULES = QUICK ? 50 : 1_000;
const runs = (n: number): number => (QUICK ? 1 : n);
const count = (n: number): string => n.toLocaleString('en-US');

function best<T>(runs: number, work: () => T): { seconds: number; value: T } {
  let seconds = Number.POSITIVE_INFINITY;
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    value = work();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { seconds, value };
}

/** Wall and CPU seconds of one run. */
function timed<T>(work: () => T): { wall: number; cpu: number; value: T } {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const value = work();
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1e6, value };
}

/** The generated policy with every 100th `over $N` threshold moved: 10 changed rules in 1,000. */
function changedTen(source: string): string {
  let n = 0;
  return source.replace(/over \$(\d+)/g, (match, digits: string) => (n++ % 100 === 7 ? `over $${Number(digits) + 37}` : match));
}

function analysisFigures(): void {
  for (const [rules, target] of [[MEDIUM_RULES, '< 0.3 s for 1,000'], [BIG_RULES, '< 5 s for 10,000']] as const) {
    const ir = compile(generatePolicySource(rules, 11), { analysis: false, examples: false }).ir;
    if (!ir) throw new Error(`the generated ${rules}-rule policy does not compile`);
    const run = timed(() => analyzeRulesReport(ir));
    const { findings, inconclusive } = run.value;
    console.log(
      `analysis of the ${rules.toLocaleString('en-US')}-rule policy: ${run.wall.toFixed(3)} s wall, ${run.cpu.toFixed(3)} s CPU (target ${target}); ${findings.length} findings, ${inconclusive.length} left inconclusive`,
    );
    if (rules !== MEDIUM_RULES) continue;
    // What a long-running process (the language server, the decision server) pays for a policy
    // it has not seen: the code is warm, but nothing is kept from earlier analyses (explicit
    // limits turn the kept answers off; these are the defaults).
    const warm = best(runs(3), () => analyzeRulesReport(ir, { limits: DEFAULT_LIMITS }));
    if (JSON.stringify(warm.value) !== JSON.stringify(run.value)) throw new Error('the warm analysis found something else');
    console.log(`the same analysis again, warm, nothing kept from the first (best of ${runs(3)}): ${warm.seconds.toFixed(3)} s`);
  }
  const source = generatePolicySource(MEDIUM_RULES, 11);
  const before = compile(source, { analysis: false, examples: false }).ir;
  const after = compile(changedTen(source), { analysis: false, examples: false }).ir;
  if (!before || !after) throw new Error('the generated policies do not compile');
  const diff = timed(() => diffPolicies(before, after));
  const verdict = diff.value.inconclusive ? `inconclusive: ${diff.value.why ?? ''}` : diff.value.equivalent ? 'equivalent' : `${diff.value.transitions.length} kinds of change`;
  console.log(`diff of two ${count(MEDIUM_RULES)}-rule policies differing in ${Math.ceil(MEDIUM_RULES / 100)} rules: ${diff.wall.toFixed(3)} s wall, ${diff.cpu.toFixed(3)} s CPU (target < 0.3 s); ${verdict}`);
  const weakened = compile(swappedBlockFlag(source, Math.ceil(MEDIUM_RULES / 91)), { analysis: false, examples: false }).ir;
  if (!weakened) throw new Error('the policy with block and flag swapped does not compile');
  const swapped = before.rules.filter((rule, i) => JSON.stringify(rule) !== JSON.stringify(weakened.rules[i])).length;
  const swap = timed(() => diffPolicies(before, weakened));
  const swapVerdict = swap.value.inconclusive ? `inconclusive: ${swap.value.why ?? ''}` : swap.value.equivalent ? 'equivalent' : `${swap.value.transitions.length} kinds of change`;
  console.log(`diff with block and flag swapped on ${swapped} of ${count(MEDIUM_RULES)} rules: ${swap.wall.toFixed(3)} s wall, ${swap.cpu.toFixed(3)} s CPU; ${swapVerdict}`);
}

/** The generated policy with `block` and `flag` swapped on `rules` of its rules, spread through it. */
function swappedBlockFlag(source: string, rules: number): string {
  let n = 0;
  let swapped = 0;
  return source.replace(/^ {2}(block|flag) refunds/gm, (match, verb: string) => {
    if (n++ % 36 !== 5 || swapped >= rules) return match;
    swapped++;
    return `  ${verb === 'block' ? 'flag' : 'block'} refunds`;
  });
}

function main(): void {
  analysisFigures();
  const big = generatePolicySource(BIG_RULES, 11);
  const front = best(runs(3), () => compile(big, { analysis: false, examples: false }));
  if (!front.value.ir) throw new Error(`the generated ${count(BIG_RULES)}-rule policy does not compile`);
  console.log(`${count(BIG_RULES)}-rule policy (${(big.length / 1024).toFixed(0)} KB): compile to IR ${front.seconds.toFixed(3)} s (target for 10,000 rules < 2 s)`);

  const medium = generatePolicySource(MEDIUM_RULES, 11);
  const analysed = best(1, () => compile(medium, { examples: false }));
  if (!analysed.value.ir) throw new Error(`the generated ${count(MEDIUM_RULES)}-rule policy does not compile`);
  const findings = analysed.value.diagnostics.filter((d) => d.code.startsWith('AX2')).length;
  const plain = best(runs(3), () => compile(medium, { analysis: false, examples: false }));
  console.log(
    `${count(MEDIUM_RULES)}-rule policy: compile ${plain.seconds.toFixed(3)} s; with static analysis ${analysed.seconds.toFixed(3)} s (${findings} findings; the analysis takes the answers kept from the runs above, as an editor's does)`,
  );

  const examples = readdirSync(`${root}examples`).filter((f) => f.endsWith('.axiru')).map((f) => `examples/${f}`);
  const cli = `${root}compiler/bin/axiru.js`;
  const node = best(runs(5), () => execFileSync(process.execPath, ['-e', ''], { cwd: root }));
  const check = best(runs(5), () => execFileSync(process.execPath, [cli, 'check', ...examples], { cwd: root }));
  console.log(`node start-up alone: ${node.seconds.toFixed(3)} s`);
  console.log(`axiru check ${examples.join(' ')}: ${check.seconds.toFixed(3)} s wall, including start-up (target < 1.5 s)`);
}

main();
