import type { Io } from '../Io.js';
import { UsageError } from '../readSource.js';
import { AxiruServer, connectionOf } from '../server/AxiruServer.js';
import { crossedGates, parseGates } from '../server/impactGates.js';
import { impactMarkdown, impactText, type ImpactAnswer } from '../server/impactReport.js';
import { compileLocally, withServer } from '../server/serverCommand.js';

export interface ImpactCommandOptions {
  readonly server?: string;
  readonly key?: string;
  readonly days: string;
  readonly format: string;
  readonly failOn?: readonly string[];
}

/**
 * `axiru impact FILE --server URL --key KEY [--days 30] [--format text|json|markdown] [--fail-on GATE]`:
 * asks the server what FILE, unpublished, would have decided over the organisation's sealed
 * decisions of the last days, compared with the live policy. Exit 0, 1 when the policy does not
 * compile, 2 when called wrongly or the server cannot be used, 3 when a --fail-on gate is crossed.
 */
export async function impactCommand(file: string, options: ImpactCommandOptions, io: Io): Promise<number> {
  if (!['text', 'json', 'markdown'].includes(options.format)) {
    throw new UsageError(`--format must be text, json or markdown, not \`${options.format}\``);
  }
  if (!/^\d{1,2}$/.test(options.days) || Number(options.days) < 1 || Number(options.days) > 90) {
    throw new UsageError(`--days must be a whole number of days from 1 to 90, not \`${options.days}\``);
  }
  const gates = parseGates(options.failOn ?? []);
  const server = new AxiruServer(connectionOf(options));
  const policy = compileLocally(file, io);
  if (!policy) return 1;
  return withServer(file, io, async () => {
    const { body: impact } = await server.call<ImpactAnswer>('POST', '/api/policies/impact', { source: policy.source, days: Number(options.days) });
    const name = { file, policy: policy.ir.policy, version: `v${policy.ir.version}` };
    if (options.format === 'json') io.out(JSON.stringify(impact, null, 2));
    else io.out(options.format === 'markdown' ? impactMarkdown(impact, name) : impactText(impact, name));
    const crossed = crossedGates(gates, impact);
    for (const { gate, count } of crossed) io.err(`axiru: --fail-on ${gate.text} crossed: ${count} refund${count === 1 ? '' : 's'}`);
    return crossed.length > 0 ? 3 : 0;
  });
}
