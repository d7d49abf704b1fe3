import type { Io } from '../Io.js';
import { UsageError } from '../readSource.js';
import { AxiruServer, connectionOf, ServerRefused } from '../server/AxiruServer.js';
import { compileLocally, withServer } from '../server/serverCommand.js';

export interface PublishCommandOptions {
  readonly server?: string;
  readonly key?: string;
  readonly shadow?: boolean;
  readonly activate?: boolean;
  readonly yes?: boolean;
  readonly json?: boolean;
}

interface PolicySummary {
  readonly name: string;
  readonly policy_version: string;
  readonly version: number;
  readonly hash: string;
  readonly live: boolean;
  readonly shadow: boolean;
}

interface PromoteAnswer {
  readonly promoted: boolean;
  readonly previous_policy_version?: string | null;
  readonly impact: { readonly evaluated: number; readonly changes: ReadonlyArray<{ readonly text: string }>; readonly summary: readonly string[] };
}

/**
 * `axiru publish FILE --server URL --key ADMIN_KEY [--shadow] [--activate [--yes]] [--json]`:
 * publishes FILE as a new version, unless a version with the same IR hash is already published
 * (then nothing changes and that version is printed). --shadow starts it as a shadow policy;
 * --activate shows the promote preview's impact and, with --yes, makes it live. Exit 0, 1 when
 * the policy does not compile or the server refuses it, 2 when called wrongly (--activate
 * without --yes included) or the server cannot be used.
 */
export async function publishCommand(file: string, options: PublishCommandOptions, io: Io): Promise<number> {
  if (options.shadow && options.activate) throw new UsageError('--shadow and --activate exclude each other: a shadow runs beside the live policy');
  if (options.yes && !options.activate) throw new UsageError('--yes confirms --activate; give both, or neither');
  const server = new AxiruServer(connectionOf(options));
  const policy = compileLocally(file, io);
  if (!policy) return 1;
  const say = (line: string) => {
    if (!options.json) io.out(line);
  };
  return withServer(file, io, async () => {
    const listed = await server.call<{ data: PolicySummary[] }>('GET', '/api/policies');
    let published = listed.body.data.find((p) => p.hash === policy.ir.hash);
    let created = false;
    if (!published) {
      // The server compiles again; its answer is the truth (created=false: already there under its hash).
      const answer = await server.call<PolicySummary & { created: boolean }>('POST', '/api/policies', { source: policy.source });
      published = answer.body;
      created = answer.body.created;
    }
    say(created
      ? `published ${published.policy_version} (${published.hash})`
      : `${published.policy_version} is already published with this IR (${published.hash}): nothing to publish`);
    const version = published.policy_version;
    const result: Record<string, unknown> = {
      policy_version: version, ir_hash: published.hash, created, live: published.live, shadow: published.shadow,
    };

    if (options.shadow) {
      if (published.live) {
        say(`${version} is the live policy: not started as a shadow`);
      } else if (published.shadow) {
        say(`${version} already runs as a shadow policy`);
      } else {
        await server.call('POST', `/api/policies/${version}/shadow`);
        result['shadow'] = true;
        say(`${version} runs as a shadow policy: every decision also evaluates it, never enforced`);
      }
    }

    let status = 0;
    if (options.activate) {
      if (published.live) {
        say(`${version} is already live`);
      } else {
        const preview = await server.call<PromoteAnswer>('POST', `/api/policies/${version}/promote`, {});
        result['impact'] = preview.body.impact;
        for (const line of preview.body.impact.summary) say(`  ${line}`);
        if (!options.yes) {
          io.err(`axiru: ${version} was published but not activated: activating needs --yes (the impact above is what it would change)`);
          status = 2;
        } else {
          const promoted = await promote(server, version, file);
          result['live'] = true;
          result['previous_policy_version'] = promoted.previous_policy_version ?? null;
          say(`${version} is live (was ${promoted.previous_policy_version ?? 'none'})`);
        }
      }
    }
    if (options.json) io.out(JSON.stringify(result, null, 2));
    return status;
  });
}

async function promote(server: AxiruServer, version: string, file: string): Promise<PromoteAnswer> {
  try {
    return (await server.call<PromoteAnswer>('POST', `/api/policies/${version}/promote`, { confirm: true, reason: `axiru publish ${file}`.slice(0, 500) })).body;
  } catch (error) {
    // Made live by someone else between the preview and now: the goal is reached.
    if (error instanceof ServerRefused && error.code === 'already_live') return { promoted: false, previous_policy_version: null, impact: { evaluated: 0, changes: [], summary: [] } };
    throw error;
  }
}
