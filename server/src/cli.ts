// `axiru serve`, `axiru keys …`, `axiru orgs …`, `axiru users …` and `axiru audit verify`, attached to the
// compiler's `axiru` program at run time (compiler/src/cli/plugins.ts imports '@axiru/server/cli').
// Only the command definitions live here; their work is in cliActions.ts, imported when a
// command runs, so that `axiru check` and friends start without loading the server.

import { Option, type Command } from 'commander';
import type { ConfigFlags } from './config.js';
import type { KeyKind } from './repositories/types.js';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Where a command's exit code goes; without it, process.exitCode. */
  readonly setStatus?: (code: number) => void;
}

const defaultIo: CliIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

type Actions = typeof import('./cliActions.js');

function runLazy(io: CliIo, work: (actions: Actions) => Promise<void>): Promise<void> {
  return import('./cliActions.js').then(work);
}

function dataOption(): Option {
  return new Option('--data <dir>', 'data folder (env AXIRU_DATA)').default(undefined, './axiru-data');
}

export function registerCommands(program: Command, io: CliIo = defaultIo): void {
  program
    .command('serve')
    .description('start the decision server (creates a demo organisation and keys on first start)')
    .option('--port <port>', 'port to listen on (env AXIRU_PORT)', undefined)
    .option('--host <host>', 'interface to listen on (env AXIRU_HOST)', undefined)
    .addOption(dataOption())
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env AXIRU_LOG_LEVEL)'))
    .action((options: ConfigFlags) => runLazy(io, (actions) => actions.serve(io, options)));

  const keys = program.command('keys').description('manage API keys (shown once, stored as SHA-256 hashes)');

  keys
    .command('create')
    .description('create a key and print it once')
    .addOption(dataOption())
    .option('--org <id>', 'organisation (default: the only one)')
    .addOption(new Option('--kind <kind>', 'decision or admin').choices(['decision', 'admin']).default('decision'))
    .option('--live', 'an sk_live_ key instead of sk_test_')
    .option('--label <text>', 'a note to recognise the key by')
    .action((options: { data?: string; org?: string; kind: KeyKind; live?: boolean; label?: string }) => runLazy(io, (actions) => actions.keysCreate(io, options)));

  keys
    .command('revoke')
    .description('revoke a key by its id (key_…)')
    .argument('<key-id>', 'the key id, as printed by keys list')
    .addOption(dataOption())
    .option('--org <id>', 'only revoke if the key belongs to this organisation')
    .action((keyId: string, options: { data?: string; org?: string }) => runLazy(io, (actions) => actions.keysRevoke(io, keyId, options)));

  keys
    .command('list')
    .description('list keys (never the keys themselves)')
    .addOption(dataOption())
    .option('--org <id>', 'only this organisation')
    .option('--json', 'JSON Lines output')
    .action((options: { data?: string; org?: string; json?: boolean }) => runLazy(io, (actions) => actions.keysList(io, options)));

  const orgs = program.command('orgs').description('manage organisations');

  orgs
    .command('create')
    .description('create an organisation with a decision key and an admin key (printed once)')
    .addOption(dataOption())
    .requiredOption('--name <name>', 'display name')
    .option('--currency <code>', 'default currency when a request gives none', 'usd')
    .option('--policy <file>', 'a policy to publish and make live at once')
    .option('--live', 'sk_live_ keys instead of sk_test_')
    .action((options: { data?: string; name: string; currency: string; policy?: string; live?: boolean }) => runLazy(io, (actions) => actions.orgsCreate(io, options)));

  orgs
    .command('list')
    .description('list organisations')
    .addOption(dataOption())
    .action((options: { data?: string }) => runLazy(io, (actions) => actions.orgsList(io, options)));

  const users = program.command('users').description('manage people (each gets a personal sk_user_ key, shown once)');

  users
    .command('add')
    .description('add a user and print their personal key once')
    .addOption(dataOption())
    .option('--org <id>', 'organisation (default: the only one)')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--name <name>', 'display name')
    .option('--roles <roles>', 'comma-separated roles of the live policy and/or admin', '')
    .option('--slack-user-id <id>', 'their Slack user id, for Slack approvals')
    .action((options: { data?: string; org?: string; email: string; name: string; roles: string; slackUserId?: string }) =>
      runLazy(io, (actions) => actions.usersAdd(io, options)));

  users
    .command('list')
    .description('list users (never their keys)')
    .addOption(dataOption())
    .option('--org <id>', 'organisation (default: the only one)')
    .option('--json', 'JSON Lines output')
    .action((options: { data?: string; org?: string; json?: boolean }) => runLazy(io, (actions) => actions.usersList(io, options)));

  users
    .command('disable')
    .description('disable a user by id (usr_…); their key stops working at once')
    .argument('<user-id>', 'the user id, as printed by users list')
    .addOption(dataOption())
    .option('--org <id>', 'organisation (default: the only one)')
    .action((userId: string, options: { data?: string; org?: string }) => runLazy(io, (actions) => actions.usersDisable(io, userId, options)));

  const audit = program.command('audit').description('audit the ledger');
  audit
    .command('verify')
    .description('recompute every hash chain; prints { ok, records, first_bad_seq } per organisation; exit 1 if any is bad')
    .addOption(dataOption())
    .option('--org <id>', 'only this organisation')
    .action((options: { data?: string; org?: string }) => runLazy(io, (actions) => actions.auditVerify(io, options)));
}
