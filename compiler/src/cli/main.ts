// The `axiru` command. Each command is a plain function in commands/ returning its exit code;
// this file only wires them to commander. Exit codes: 0 fine, 1 the input has problems (errors,
// failing examples, a policy the server refuses), 2 the command was called wrongly or the server
// cannot be used (unreachable, key refused, too old), 3 an `axiru impact --fail-on` gate was crossed.
import { Command, CommanderError } from 'commander';
import { check } from './commands/check.js';
import { compileCommand } from './commands/compileCommand.js';
import { diffCommand } from './commands/diffCommand.js';
import { evalCommand } from './commands/evalCommand.js';
import { fmtCommand } from './commands/fmtCommand.js';
import { impactCommand, type ImpactCommandOptions } from './commands/impactCommand.js';
import { publishCommand, type PublishCommandOptions } from './commands/publishCommand.js';
import { replayCommand, type ReplayCommandOptions } from './commands/replayCommand.js';
import { testCommand, type TestCommandOptions } from './commands/testCommand.js';
import { processIo, type Io } from './Io.js';
import { UsageError } from './readSource.js';
import { loadPlugins } from './plugins.js';

export function buildProgram(io: Io, setStatus: (code: number) => void): Command {
  const program = new Command('axiru')
    .description('Axiru: policy, approval and audit layer for Stripe refunds')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  program
    .command('check')
    .description('report every error and warning in policy files')
    .argument('<files...>', '.axiru policy files')
    .option('--format <format>', 'text, json, github (workflow annotations) or sarif (SARIF 2.1.0, for code scanning)', 'text')
    .action((files: string[], options: { format: string }) => setStatus(check(files, options, io)));

  program
    .command('compile')
    .description('compile a policy to its IR (JSON)')
    .argument('<file>', '.axiru policy file')
    .option('-o, --output <file>', 'write the IR here instead of standard output')
    .option('--source-map <file>', 'also write the source map here')
    .action((file: string, options: { output?: string; sourceMap?: string }) => setStatus(compileCommand(file, options, io)));

  program
    .command('eval')
    .description('decide one refund request with a policy')
    .argument('<policy>', '.axiru source or compiled .json IR')
    .requiredOption('--input <json>', 'the request as JSON, @file.json, or - for standard input')
    .option('--lists <file>', "the organisation's lists as JSON: {\"NAME\": [\"value\", ...]}")
    .option('--explain', 'include a per-rule trace of the decision')
    .action((policy: string, options: { input: string; explain?: boolean; lists?: string }) => setStatus(evalCommand(policy, options, io)));

  program
    .command('test')
    .description("run policies' example blocks and report rule coverage")
    .argument('<files...>', '.axiru policy files')
    .option('--reporter <reporter>', 'text, or junit (JUnit XML: one test case per example, unreached rules skipped)', 'text')
    .option('--out <file>', 'write the JUnit report to this file (the text report still goes to standard output)')
    .action((files: string[], options: TestCommandOptions) => setStatus(testCommand(files, options, io)));

  program
    .command('fmt')
    .description('format policy files in canonical layout')
    .argument('<files...>', '.axiru policy files')
    .option('--check', 'only list files that are not formatted (exit 1 if any)')
    .action((files: string[], options: { check?: boolean }) => setStatus(fmtCommand(files, options, io)));

  program
    .command('diff')
    .description('show, with a concrete refund, every way decisions change between two policies')
    .argument('<old>', '.axiru source or compiled .json IR')
    .argument('<new>', '.axiru source or compiled .json IR')
    .option('--format <format>', 'text, json, or markdown (a pull-request comment)')
    .option('--json', 'print the transitions as JSON (the same as --format json)')
    .action((oldPath: string, newPath: string, options: { json?: boolean; format?: string }) => setStatus(diffCommand(oldPath, newPath, options, io)));

  program
    .command('replay')
    .description('replay refund history through a policy: what it would have allowed, held, blocked')
    .argument('<args...>', 'POLICY FILE... (with --pack: pack policies or directories, then history files)')
    .option('--json', 'print the report as one JSON document')
    .option('--since <date>', 'replay refunds from this date (earlier ones still count for facts)')
    .option('--until <date>', 'replay refunds before this date')
    .option('--mapping <file>', 'JSON column mapping for CSV files whose headers differ from Stripe\'s')
    .option('--format <format>', 'payments, refunds or jsonl (default: from each file\'s extension and header)')
    .option('--against <policy>', 'compare: how decisions change from POLICY to this policy')
    .option('--pack', 'replay through every policy of a pack (default: examples/pack) in one pass')
    .option('--lists <file>', "the organisation's lists as JSON, for policies that test `in list`: {\"NAME\": [\"value\", ...]}")
    .addHelpText('after', '\nFILE: a Stripe Payments export (unified_payments.csv), a refunds CSV, or JSON Lines of Refund objects.\nExamples:\n  axiru replay acme.axiru unified_payments.csv --since 2026-01-01\n  axiru replay acme.axiru refunds.jsonl --against acme-v4.axiru\n  axiru replay --pack unified_payments.csv')
    .action(async (args: string[], options: ReplayCommandOptions) => setStatus(await replayCommand(args, options, io)));

  const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
  program
    .command('publish')
    .description('publish a policy to an Axiru server as a new version (a no-op when its IR hash is already published)')
    .argument('<file>', '.axiru policy file')
    .option('--server <url>', 'the Axiru server (env AXIRU_URL)')
    .option('--key <key>', 'an admin key (env AXIRU_ADMIN_KEY)')
    .option('--shadow', 'also run it as a shadow policy (decisions evaluate it, never enforced)')
    .option('--activate', 'also make it live, after showing the impact over the last 30 days (needs --yes)')
    .option('--yes', 'confirm --activate')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExit codes: 0 published (or already), 1 the policy does not compile or the server refuses it,\n2 called wrongly (--activate without --yes too), or the server unreachable, the key refused, the server too old.')
    .action(async (file: string, options: PublishCommandOptions) => setStatus(await publishCommand(file, options, io)));

  program
    .command('impact')
    .description("what an unpublished policy would have decided over the organisation's recent sealed decisions, against the live policy")
    .argument('<file>', '.axiru policy file')
    .option('--server <url>', 'the Axiru server (env AXIRU_URL)')
    .option('--key <key>', 'an admin key (env AXIRU_ADMIN_KEY)')
    .option('--days <days>', 'the window: the last 1 to 90 days', '30')
    .option('--format <format>', 'text, json or markdown (a pull-request comment)', 'text')
    .option('--fail-on <gates>', 'exit 3 when a gate is crossed: FROM->TO>N, e.g. "allow->block>0", "*->block>=5", "changed>10" (comma-separated or repeated)', collect)
    .addHelpText('after', '\nExit codes: 0 fine, 1 the policy does not compile, 2 called wrongly or the server cannot be used, 3 a --fail-on gate was crossed.')
    .action(async (file: string, options: ImpactCommandOptions) => setStatus(await impactCommand(file, options, io)));

  return program;
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let status = 0;
  const program = buildProgram(io, (code) => {
    status = code;
  });
  try {
    await loadPlugins(program, {
      out: (line) => io.out(line),
      err: (line) => io.err(line),
      setStatus: (code) => {
        status = code;
      },
    });
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage mistakes with 2.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      io.err(`axiru: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
