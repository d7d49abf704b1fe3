// The ready-made CI workflows (examples/ci/*.yml) run for real: their steps are read from the
// YAML and each `run`/`script` command is executed in order, with bash as the CI runners do, in a
// policy repository made in a temporary folder, against a real `axiru serve` process.
//
// What a CI runner provides is provided here: `npm ci` (the one command not run) is done by
// linking this repository's @axiru/compiler into the policy repository's node_modules, as
// installing it would, so `npx axiru` runs it with no network (npm is kept offline); `uses:`
// steps belong to GitHub and are not run, but the files they upload must exist; `gh` (GitHub's
// CLI, for the pull-request comment) is a stand-in that records what it was asked to post; the
// GitLab comment goes out with the real curl to a local HTTP receiver standing in for GitLab.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseJunit } from 'junit2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { assertBuilt, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { ACME_SOURCE, tempDir } from '../support/testApp.js';
import { V4 } from '../support/shadowPolicies.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const WORKFLOWS = join(REPO, 'examples/ci');
/**
 * A change that would block refunds allowed today (long-standing customers over $100): its
 * examples still pass, and the workflows' --fail-on gate catches it.
 */
const BLOCKING = ACME_SOURCE.replace('version 3', 'version 5')
  .replace('rule routine:', 'rule cap:\n  block refunds over $100 when customer tenure over 300 days\n\nrule routine:');

/** A safety net only: each step starts npx and node, which a busy machine makes slow. */
const STEPS_TIMEOUT_MS = 900_000;

interface StepRun { readonly name: string; readonly status: number; readonly output: string }

/** A policy repository as a team keeps it: package.json, installed @axiru/compiler, policies/. */
function policyRepository(policy: string): string {
  const dir = mkdtempSync(join(scratch.path, 'policy-repo-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, devDependencies: { '@axiru/compiler': '0.1.0' } }));
  mkdirSync(join(dir, 'node_modules/@axiru'), { recursive: true });
  mkdirSync(join(dir, 'node_modules/.bin'));
  symlinkSync(join(REPO, 'compiler'), join(dir, 'node_modules/@axiru/compiler'));
  symlinkSync('../@axiru/compiler/bin/axiru.js', join(dir, 'node_modules/.bin/axiru'));
  mkdirSync(join(dir, 'policies'));
  writeFileSync(join(dir, 'policies/refunds.axiru'), policy);
  return dir;
}

/**
 * Runs one command script as both runners do: bash, exit on the first failing command. Not
 * spawnSync: the stand-in GitLab a script posts to answers from this process's event loop.
 */
function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ status: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, output }));
  });
}

function baseEnv(server: ServerProcess, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('AXIRU_')) env[key] = value;
  return { ...env, npm_config_offline: 'true', npm_config_update_notifier: 'false', CI: 'true', AXIRU_URL: server.url, ...extra };
}

// GitHub Actions: `${{ a.b.c }}` expressions and the few `if:` forms the workflow uses.
function githubValue(context: Record<string, unknown>, path: string): unknown {
  return path.trim().split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], context);
}

function githubExpand(text: string, context: Record<string, unknown>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, path: string) => {
    const value = githubValue(context, path);
    if (value === undefined) throw new Error(`the workflow uses \${{ ${path} }}, which this test does not provide`);
    return String(value);
  });
}

function githubIf(condition: string | undefined, context: Record<string, unknown>, failed: boolean): boolean {
  if (condition === undefined) return !failed;
  if (condition.trim() === 'always()') return true;
  const match = /^\s*([\w.]+)\s*==\s*'([^']*)'\s*$/.exec(condition);
  if (!match) throw new Error(`the workflow has an if: this test cannot evaluate: ${condition}`);
  return !failed && githubValue(context, match[1]!) === match[2];
}

interface GithubStep { name?: string; uses?: string; run?: string; if?: string; env?: Record<string, string>; with?: Record<string, string> }
interface GithubJob { if?: string; steps: GithubStep[]; env?: Record<string, string> }

async function runGithub(repo: string, server: ServerProcess, context: Record<string, unknown>, extraEnv: Record<string, string>) {
  const workflow = parseYaml(readFileSync(join(WORKFLOWS, 'github-actions.yml'), 'utf8')) as { env?: Record<string, string>; jobs: Record<string, GithubJob> };
  const steps: StepRun[] = [];
  const uploads: Array<{ uses: string; file: string }> = [];
  for (const [jobName, job] of Object.entries(workflow.jobs)) {
    if (!githubIf(job.if, context, false)) continue;
    let failed = false;
    for (const [index, step] of job.steps.entries()) {
      const name = `${jobName}/${step.name ?? step.uses ?? step.run ?? index}`;
      if (!githubIf(step.if, context, failed)) continue;
      if (step.uses) {
        // GitHub's own actions are not run; what they upload must be there.
        const file = step.with?.['sarif_file'] ?? step.with?.['path'];
        if (file) uploads.push({ uses: step.uses, file: join(repo, file) });
        continue;
      }
      if (step.run?.trim() === 'npm ci') continue;
      const env: Record<string, string> = { ...baseEnv(server, extraEnv) };
      for (const scope of [workflow.env, job.env, step.env]) {
        for (const [key, value] of Object.entries(scope ?? {})) env[key] = githubExpand(String(value), context);
      }
      const result = await bash(githubExpand(step.run!, context), repo, env);
      steps.push({ name, ...result });
      if (result.status !== 0) failed = true;
    }
  }
  return { steps, uploads };
}

// GitLab CI/CD: jobs in stage order, `rules: - if:` with `$VAR == "text"` / `$VAR == $VAR`.
const GITLAB_KEYWORDS = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script']);

function gitlabIf(condition: string, env: Record<string, string>): boolean {
  const operand = (text: string) => (text.startsWith('$') ? env[text.slice(1)] : /^"(.*)"$/.exec(text)?.[1]);
  const match = /^\s*(\$\w+|"[^"]*")\s*==\s*(\$\w+|"[^"]*")\s*$/.exec(condition);
  if (!match) throw new Error(`the pipeline has a rule this test cannot evaluate: ${condition}`);
  return operand(match[1]!) !== undefined && operand(match[1]!) === operand(match[2]!);
}

interface GitlabJob { stage: string; rules?: Array<{ if: string }>; script: string[]; before_script?: string[]; artifacts?: { reports?: { junit?: string }; paths?: string[] } }

async function runGitlab(repo: string, server: ServerProcess, extraEnv: Record<string, string>) {
  const pipeline = parseYaml(readFileSync(join(WORKFLOWS, 'gitlab-ci.yml'), 'utf8')) as Record<string, unknown> & {
    stages: string[]; variables?: Record<string, string>; default?: { before_script?: string[] };
  };
  const env = { ...baseEnv(server, extraEnv), ...(pipeline.variables ?? {}) };
  const jobs = Object.entries(pipeline).filter(([name]) => !GITLAB_KEYWORDS.has(name)) as Array<[string, GitlabJob]>;
  jobs.sort(([, a], [, b]) => pipeline.stages.indexOf(a.stage) - pipeline.stages.indexOf(b.stage));
  const steps: StepRun[] = [];
  const reports: string[] = [];
  for (const [name, job] of jobs) {
    if (job.rules && !job.rules.some((rule) => gitlabIf(rule.if, env))) continue;
    const commands = [...(job.before_script ?? pipeline.default?.before_script ?? []), ...job.script].filter((c) => c.trim() !== 'npm ci');
    const result = await bash(commands.join('\n'), repo, env);
    steps.push({ name, ...result });
    if (job.artifacts?.reports?.junit) reports.push(join(repo, job.artifacts.reports.junit));
    for (const path of job.artifacts?.paths ?? []) reports.push(join(repo, path));
  }
  return { steps, reports };
}

const scratch = tempDir('axiru-ci-workflows-');
const servers: ServerProcess[] = [];

async function serverWithTraffic(name: string): Promise<{ server: ServerProcess; admin: string }> {
  // The ready line is waited for; the deadline is only a safety net on a busy machine.
  const server = await startServerProcess(join(scratch.path, name), 180_000);
  servers.push(server);
  // Three $120 refunds allowed under acme v3 (the live policy).
  for (let i = 0; i < 3; i += 1) {
    const response = await fetch(`${server.url}/api/decision`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.keys['AXIRU_DECISION_KEY']}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'support_tool', amount_cents: 12000, customer_tenure_days: 400 }),
    });
    expect(response.status).toBe(200);
  }
  return { server, admin: server.keys['AXIRU_ADMIN_KEY']! };
}

async function policies(server: ServerProcess, admin: string): Promise<Array<{ policy_version: string; live: boolean; shadow: boolean }>> {
  const response = await fetch(`${server.url}/api/policies`, { headers: { authorization: `Bearer ${admin}` } });
  return ((await response.json()) as { data: Array<{ policy_version: string; live: boolean; shadow: boolean }> }).data;
}

function expectPassed(steps: readonly StepRun[]): void {
  for (const step of steps) expect(step.status, `${step.name}:\n${step.output}`).toBe(0);
}

beforeAll(() => {
  assertBuilt();
});
afterAll(async () => {
  for (const server of servers) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  scratch.remove();
});

describe('examples/ci/github-actions.yml', () => {
  let server: ServerProcess;
  let admin: string;
  const bin = join(scratch.path, 'gh-bin');
  const calls = join(scratch.path, 'gh-calls');
  const context = (event: string, admin: string, url: string) => ({
    github: { event_name: event, token: 'ghs_test', event: { pull_request: { number: 7 } } },
    vars: { AXIRU_URL: url },
    secrets: { AXIRU_ADMIN_KEY: admin },
  });

  beforeAll(async () => {
    ({ server, admin } = await serverWithTraffic('github'));
    // `gh pr comment N --body-file FILE ...`: records the arguments and the body it would post.
    mkdirSync(bin);
    mkdirSync(calls);
    writeFileSync(join(bin, 'gh'), `#!/bin/sh\nn=$(ls "${calls}" | grep -c 'args$')\nprintf '%s\\n' "$@" > "${calls}/$n.args"\nwhile [ $# -gt 0 ]; do if [ "$1" = --body-file ]; then cp "$2" "${calls}/$n.body"; fi; shift; done\n`);
    chmodSync(join(bin, 'gh'), 0o755);
  }, 240_000);

  it('on a pull request: check, SARIF, JUnit, and the impact posted as a comment; on merge: a shadow policy', async () => {
    const repo = policyRepository(V4);
    const summary = join(repo, 'step-summary.md');
    const extra = { PATH: `${bin}:${process.env['PATH']}`, GITHUB_STEP_SUMMARY: summary };
    const review = await runGithub(repo, server, context('pull_request', admin, server.url), extra);
    expectPassed(review.steps);
    expect(review.steps.map((s) => s.name)).toEqual([
      'review/Check', 'review/Check (SARIF)', 'review/Test', 'review/Impact on the last 30 days', 'review/Comment the impact on the pull request',
    ]);
    for (const upload of review.uploads) expect(existsSync(upload.file), upload.uses).toBe(true);
    expect(JSON.parse(readFileSync(join(repo, 'axiru.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(await parseJunit(readFileSync(join(repo, 'axiru-junit.xml'), 'utf8'))).toMatchObject({ failures: 0, errors: 0 });
    const impact = readFileSync(join(repo, 'impact.md'), 'utf8');
    expect(impact).toContain('| `allow` → `pending_approval` | 3 | $360.00 |');
    expect(readFileSync(summary, 'utf8')).toBe(impact);
    expect(readFileSync(join(calls, '0.args'), 'utf8').split('\n')).toEqual(['pr', 'comment', '7', '--body-file', 'impact.md', '--edit-last', '--create-if-none', '']);
    expect(readFileSync(join(calls, '0.body'), 'utf8')).toBe(impact);
    expect((await policies(server, admin)).map((p) => p.policy_version)).toEqual(['v3']);

    const merged = await runGithub(repo, server, context('push', admin, server.url), extra);
    expectPassed(merged.steps);
    expect(merged.steps.map((s) => s.name)).toEqual(['publish/Publish as a shadow policy']);
    expect(merged.steps[0]!.output).toContain('v4 runs as a shadow policy');
    expect(await policies(server, admin)).toEqual([
      expect.objectContaining({ policy_version: 'v3', live: true, shadow: false }),
      expect.objectContaining({ policy_version: 'v4', live: false, shadow: true }),
    ]);
  }, STEPS_TIMEOUT_MS);

  it('a change that would block refunds allowed today fails the impact step, and the comment is still posted', async () => {
    const repo = policyRepository(BLOCKING);
    const extra = { PATH: `${bin}:${process.env['PATH']}`, GITHUB_STEP_SUMMARY: join(repo, 'step-summary.md') };
    const review = await runGithub(repo, server, context('pull_request', admin, server.url), extra);
    const impactStep = review.steps.find((s) => s.name === 'review/Impact on the last 30 days')!;
    expect(impactStep.status).toBe(3);
    expect(impactStep.output).toContain('--fail-on allow->block>0 crossed: 3 refunds');
    const comment = review.steps.find((s) => s.name === 'review/Comment the impact on the pull request')!;
    expect(comment.status).toBe(0);
    expect(readFileSync(join(calls, '1.body'), 'utf8')).toContain('| `allow` → `block` | 3 | $360.00 |');
  }, STEPS_TIMEOUT_MS);
});

describe('examples/ci/gitlab-ci.yml', () => {
  let server: ServerProcess;
  let admin: string;
  let gitlab: Server;
  const notes: Array<{ url: string; token: string | undefined; body: string }> = [];

  beforeAll(async () => {
    ({ server, admin } = await serverWithTraffic('gitlab'));
    gitlab = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      request.on('end', () => {
        notes.push({ url: request.url ?? '', token: request.headers['private-token'] as string | undefined, body: new URLSearchParams(body).get('body') ?? '' });
        response.writeHead(201, { 'content-type': 'application/json' }).end('{"id":1}');
      });
    });
    await new Promise<void>((resolve) => gitlab.listen(0, '127.0.0.1', resolve));
  }, 240_000);
  afterAll(async () => {
    await new Promise((resolve) => gitlab.close(resolve));
  });

  const ciEnv = (source: string, branch: string | null) => ({
    AXIRU_ADMIN_KEY: admin,
    AXIRU_GITLAB_TOKEN: 'glpat-test',
    CI_PIPELINE_SOURCE: source,
    CI_DEFAULT_BRANCH: 'main',
    ...(branch === null ? {} : { CI_COMMIT_BRANCH: branch }),
    CI_API_V4_URL: `http://127.0.0.1:${(gitlab.address() as { port: number }).port}/api/v4`,
    CI_PROJECT_ID: '42',
    CI_MERGE_REQUEST_IID: '7',
  });

  it('on a merge request: check, JUnit report, and the impact posted as a note; on the default branch: a shadow policy', async () => {
    const repo = policyRepository(V4);
    const review = await runGitlab(repo, server, ciEnv('merge_request_event', null));
    expectPassed(review.steps);
    expect(review.steps.map((s) => s.name)).toEqual(['check', 'impact']);
    for (const report of review.reports) expect(existsSync(report), report).toBe(true);
    expect(await parseJunit(readFileSync(join(repo, 'axiru-junit.xml'), 'utf8'))).toMatchObject({ failures: 0, errors: 0 });
    expect(notes).toHaveLength(1);
    expect(notes[0]!.url).toBe('/api/v4/projects/42/merge_requests/7/notes');
    expect(notes[0]!.token).toBe('glpat-test');
    expect(notes[0]!.body).toBe(readFileSync(join(repo, 'impact.md'), 'utf8'));
    expect(notes[0]!.body).toContain('| `allow` → `pending_approval` | 3 | $360.00 |');

    const merged = await runGitlab(repo, server, ciEnv('push', 'main'));
    expectPassed(merged.steps);
    expect(merged.steps.map((s) => s.name)).toEqual(['publish']);
    expect(await policies(server, admin)).toEqual([
      expect.objectContaining({ policy_version: 'v3', live: true }),
      expect.objectContaining({ policy_version: 'v4', live: false, shadow: true }),
    ]);
  }, STEPS_TIMEOUT_MS);

  it('a change that would block refunds allowed today fails the impact job after posting its note', async () => {
    const repo = policyRepository(BLOCKING);
    const review = await runGitlab(repo, server, ciEnv('merge_request_event', null));
    expect(review.steps.find((s) => s.name === 'check')!.status).toBe(0);
    const impact = review.steps.find((s) => s.name === 'impact')!;
    expect(impact.status).toBe(3);
    expect(notes).toHaveLength(2);
    expect(notes[1]!.body).toContain('| `allow` → `block` | 3 | $360.00 |');
  }, STEPS_TIMEOUT_MS);
});
