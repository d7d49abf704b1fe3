// `axiru serve`, `axiru keys …`, `axiru orgs …`, `axiru users …`, `axiru secrets rotate` and `axiru audit verify`, attached to the
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

function databaseUrlOption(): Option {
  return new Option('--database-url <url>', 'PostgreSQL instead of SQLite in --data: postgres://user:password@host:port/db (env AXIRU_DATABASE_URL)');
}

export function registerCommands(program: Command, io: CliIo = defaultIo): void {
  program
    .command('serve')
    .description('start the decision server (creates a demo organisation and keys on first start)')
    .option('--port <port>', 'port to listen on (env AXIRU_PORT)', undefined)
    .option('--host <host>', 'interface to listen on (env AXIRU_HOST)', undefined)
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env AXIRU_LOG_LEVEL); lines are readable on a terminal, JSON otherwise (env AXIRU_LOG_FORMAT=json|pretty to choose)'))
    .option('--config <file>', 'a JSON config file, e.g. export sinks (env AXIRU_CONFIG)')
    .action((options: ConfigFlags) => runLazy(io, (actions) => actions.serve(io, options)));

  const keys = program.command('keys').description('manage API keys (shown once, stored as SHA-256 hashes)');

  keys
    .command('create')
    .description('create a key and print it once')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
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
    .addOption(databaseUrlOption())
    .option('--org <id>', 'only revoke if the key belongs to this organisation')
    .action((keyId: string, options: { data?: string; org?: string }) => runLazy(io, (actions) => actions.keysRevoke(io, keyId, options)));

  keys
    .command('list')
    .description('list keys (never the keys themselves)')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .option('--org <id>', 'only this organisation')
    .option('--json', 'JSON Lines output')
    .action((options: { data?: string; org?: string; json?: boolean }) => runLazy(io, (actions) => actions.keysList(io, options)));

  const orgs = program.command('orgs').description('manage organisations');

  orgs
    .command('create')
    .description('create an organisation with a decision key and an admin key (printed once)')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .requiredOption('--name <name>', 'display name')
    .option('--currency <code>', 'default currency when a request gives none', 'usd')
    .option('--policy <file>', 'a policy to publish and make live at once')
    .option('--live', 'sk_live_ keys instead of sk_test_')
    .option('--mode <mode>', 'observe (decisions recorded, not enforced) or enforce', 'enforce')
    .action((options: { data?: string; name: string; currency: string; policy?: string; live?: boolean; mode: string }) => runLazy(io, (actions) => actions.orgsCreate(io, options)));

  orgs
    .command('list')
    .description('list organisations')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .action((options: { data?: string }) => runLazy(io, (actions) => actions.orgsList(io, options)));

  const users = program.command('users').description('manage people (each gets a personal sk_user_ key, shown once)');

  users
    .command('add')
    .description('add a user and print their personal key once')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .option('--org <id>', 'organisation (default: the only one)')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--name <name>', 'display name')
    .option('--roles <roles>', 'comma-separated roles of the live policy and/or admin', '')
    .option('--slack-user-id <id>', 'their Slack user id, for Slack approvals')
    .option('--password', 'also set a dashboard password: the first line of stdin when piped, else a generated one printed once')
    .action((options: { data?: string; org?: string; email: string; name: string; roles: string; slackUserId?: string; password?: boolean }) =>
      runLazy(io, (actions) => actions.usersAdd(io, options)));

  users
    .command('invite')
    .description('print a one-time link (valid 7 days) with which the user sets their dashboard password')
    .argument('<email>', 'the user\'s email')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .option('--org <id>', 'organisation (default: the only one)')
    .option('--url <base>', 'the dashboard\'s address (default: http://AXIRU_HOST:AXIRU_PORT)')
    .action((email: string, options: { data?: string; org?: string; url?: string }) => runLazy(io, (actions) => actions.usersInvite(io, email, options)));

  users
    .command('list')
    .description('list users (never their keys)')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .option('--org <id>', 'organisation (default: the only one)')
    .option('--json', 'JSON Lines output')
    .action((options: { data?: string; org?: string; json?: boolean }) => runLazy(io, (actions) => actions.usersList(io, options)));

  users
    .command('disable')
    .description('disable a user by id (usr_…); their key stops working at once')
    .argument('<user-id>', 'the user id, as printed by users list')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .option('--org <id>', 'organisation (default: the only one)')
    .action((userId: string, options: { data?: string; org?: string }) => runLazy(io, (actions) => actions.usersDisable(io, userId, options)));

  const stripe = program.command('stripe').description('the read-only Stripe connection');
  stripe
    .command('import')
    .description('import refunds from the connected Stripe account (restricted, read-only key) and replay them through a policy; stored as a replay')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .option('--org <id>', 'organisation (default: the only one)')
    .option('--since <when>', 'how far back: a number of days such as 90d, or a date such as 2026-01-31', '90d')
    .option('--policy <version>', 'a stored policy version such as v3 (default: the live one)')
    .option('--json', 'print the report as one JSON document (as axiru replay --json)')
    .option('--stripe-api <url>', 'Stripe\'s API origin, for a proxy or a test server (env AXIRU_STRIPE_API_BASE)')
    .action((options: { data?: string; org?: string; since: string; policy?: string; json?: boolean; stripeApi?: string }) =>
      import('./cliStripeActions.js').then((cli) => cli.stripeImport(io, options)));

  const lists = program.command('lists').description("the organisation's lists (each change sealed in the chain)");
  const runLists = (work: (actions: typeof import('./cliListActions.js')) => Promise<void>): Promise<void> => import('./cliListActions.js').then(work);

  lists
    .command('show')
    .description('the lists (name, version, size), or one list\'s values, one a line')
    .argument('[name]', 'a list name')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .option('--org <id>', 'organisation (default: the only one)')
    .option('--json', 'JSON output (one list: its values and its sealed history)')
    .action((name: string | undefined, options: { data?: string; databaseUrl?: string; org?: string; json?: boolean }) => runLists((actions) => actions.listsShow(io, name, options)));

  lists
    .command('set')
    .description("replace a list's values (creates the list); prints the sealed change as JSON")
    .argument('<name>', 'a list name')
    .argument('[values...]', 'the values (none: an empty list)')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .option('--org <id>', 'organisation (default: the only one)')
    .option('--file <file>', 'more values: a JSON array of strings, or one value a line')
    .action((name: string, values: string[], options: { data?: string; databaseUrl?: string; org?: string; file?: string }) => runLists((actions) => actions.listsSet(io, name, values, options)));

  lists
    .command('add')
    .description('add values to a list (creates the list); prints the sealed change as JSON')
    .argument('<name>', 'a list name')
    .argument('[values...]', 'the values to add')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .option('--org <id>', 'organisation (default: the only one)')
    .option('--file <file>', 'more values: a JSON array of strings, or one value a line')
    .action((name: string, values: string[], options: { data?: string; databaseUrl?: string; org?: string; file?: string }) => runLists((actions) => actions.listsAdd(io, name, values, options)));

  lists
    .command('remove')
    .description('remove one value from a list; prints the sealed change as JSON')
    .argument('<name>', 'a list name')
    .argument('<value>', 'the value to remove')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .option('--org <id>', 'organisation (default: the only one)')
    .action((name: string, value: string, options: { data?: string; org?: string }) => runLists((actions) => actions.listsRemove(io, name, value, options)));

  const db = program.command('db').description('the database: truth (the ledger) and its projections');
  db
    .command('rebuild')
    .description('drop the projections (intents view, Merkle trees) and apply every ledger record to them again')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .option('--projection <name>', 'only this projection (intents, merkle, lists)')
    .option('--batch <records>', 'records applied per transaction (an interrupted rebuild resumes at the last one)')
    .action((options: { data?: string; projection?: string; batch?: string }) =>
      import('./cliDbActions.js').then((cli) => cli.dbRebuild(io, options)));
  db
    .command('copy')
    .description('copy a SQLite installation (--data) into an empty PostgreSQL database (--database-url); every chain keeps its hashes')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .action((options: { data?: string; databaseUrl?: string }) =>
      import('./cliDbActions.js').then((cli) => cli.dbCopy(io, options)));

  const secrets = program.command('secrets').description('the key that seals stored secrets (server/README.md, "Secrets at rest")');
  secrets
    .command('rotate')
    .description('re-wrap the secrets\' data key under a new key (AXIRU_SECRETS_NEW_KEY, or a new key file); running servers keep working')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .action((options: { data?: string; databaseUrl?: string }) => import('./secrets/secretsCli.js').then((cli) => cli.secretsRotate(io, options)));

  const audit = program.command('audit').description('audit the ledger');
  audit
    .command('verify')
    .description('recompute every hash chain; prints { ok, records, first_bad_seq } per organisation; exit 1 if any is bad')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .option('--org <id>', 'only this organisation')
    .action((options: { data?: string; org?: string }) => runLazy(io, (actions) => actions.auditVerify(io, options)));

  const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
  audit
    .command('export')
    .description('write an organisation\'s records, checkpoints and public keys as JSON Lines (signs a fresh checkpoint first)')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .option('--org <id>', 'organisation (default: the only one)')
    .requiredOption('--out <bundle>', 'the bundle file to write')
    .action((options: { data?: string; org?: string; out: string }) =>
      import('./audit/auditCli.js').then((cli) => cli.auditExport(io, options)));
  audit
    .command('public-key')
    .description('print the current checkpoint signing key (PEM)')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .option('--all', 'every key, retired ones included')
    .action((options: { data?: string; all?: boolean }) => import('./audit/auditCli.js').then((cli) => cli.auditPublicKey(io, options)));
  audit
    .command('rotate-key')
    .description('replace the checkpoint signing key; the old key endorses the new one and keeps verifying its checkpoints')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .action((options: { data?: string }) => import('./audit/auditCli.js').then((cli) => cli.auditRotateKey(io, options)));
  audit
    .command('verify-export')
    .description('verify an exported bundle offline: record hashes, chain, checkpoint signatures and roots; exit 1 if bad')
    .argument('<bundle>', 'the bundle file')
    .requiredOption('--public-key <file>', 'a trusted public key file (PEM; repeatable)', collect)
    .option('--checkpoint <file>', 'a checkpoint held outside the bundle (JSON; repeatable)', collect)
    .option('--workers <n>', 'threads checking records (default: the cores available; 0: this thread only)')
    .action((bundle: string, options: { publicKey: string[]; checkpoint?: string[]; workers?: string }) =>
      import('./audit/verifyExportCli.js').then((cli) => cli.auditVerifyExport(io, bundle, options)));
  audit
    .command('replay')
    .description('re-evaluate a sealed decision with its sealed policy; exit 1 unless identical')
    .argument('<intent-id>', 'the intent id')
    .addOption(dataOption())
    .addOption(databaseUrlOption())
    .option('--org <id>', 'organisation (default: the only one)')
    .action((intentId: string, options: { data?: string; org?: string }) =>
      import('./audit/auditCli.js').then((cli) => cli.auditReplay(io, intentId, options)));
}
