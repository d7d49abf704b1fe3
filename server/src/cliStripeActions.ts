// The work behind `axiru stripe import`: the same read-only import as POST /api/stripe/import,
// run against a data folder, stored as a replay the API shows, and printed like `axiru replay`.
// Loaded only when the command runs, like cliActions.ts.

import { formatReport, type ReplayReport } from '@axiru/compiler';
import type { CliIo } from './cli.js';
import { openCliStore, run } from './cliActions.js';
import { resolveConfig } from './config.js';
import type { Organisation, Store } from './repositories/types.js';
import { ReplayService } from './services/ReplayService.js';
import { createStripeClient, parseStripeApiBase } from './services/stripeClient.js';
import { openRefundImport, parseSince } from './services/stripeImport.js';

export interface StripeImportOptions {
  readonly data?: string;
  readonly databaseUrl?: string;
  readonly org?: string;
  readonly since: string;
  readonly policy?: string;
  readonly json?: boolean;
  readonly stripeApi?: string;
}

async function pickOrg(store: Store, orgId: string | undefined): Promise<Organisation> {
  const orgs = await store.organisations.list();
  const org = orgId === undefined ? (orgs.length === 1 ? orgs[0] : undefined) : orgs.find((o) => o.id === orgId);
  if (org) return org;
  if (orgId !== undefined) throw new Error(`no organisation ${orgId}; organisations: ${orgs.map((o) => o.id).join(', ') || 'none'}`);
  throw new Error(`pass --org: ${orgs.length === 0 ? 'there is no organisation' : `organisations: ${orgs.map((o) => `${o.id} (${o.name})`).join(', ')}`}`);
}

export function stripeImport(io: CliIo, options: StripeImportOptions): Promise<void> {
  return run(io, async () => {
    const { dataDir } = resolveConfig({ data: options.data, databaseUrl: options.databaseUrl });
    const baseText = options.stripeApi ?? process.env['AXIRU_STRIPE_API_BASE'];
    const api = baseText ? parseStripeApiBase(baseText, options.stripeApi !== undefined ? '--stripe-api' : 'AXIRU_STRIPE_API_BASE') : undefined;
    const store = await openCliStore(options);
    try {
      const org = await pickOrg(store, options.org);
      const connection = await store.stripe.getConnection(org.id);
      if (!connection) {
        throw new Error(`no Stripe account is connected to ${org.id}; store a restricted key (rk_…) with PUT /api/stripe/connection first`);
      }
      const replays = new ReplayService(store, { dataDir, clock: () => new Date() });
      const since = parseSince(options.since, new Date(), '--since');
      const policy = await replays.resolvePolicy(org, options.policy, '--policy');
      const id = replays.newId();
      const fill = await openRefundImport(createStripeClient(connection.restricted_key, api), since, replays.historyPath(id));
      await replays.start({
        id, org, actor: 'cli', origin: 'stripe_import', fileName: `stripe-refunds-since-${since.toISOString().slice(0, 10)}.jsonl`,
        format: 'jsonl', policy, bytes: 0,
      }, fill);
      await replays.wait(id);
      const row = await store.replays.get(org.id, id);
      if (!row || row.status !== 'done' || row.report === null) {
        io.err(`axiru: the import failed: ${row?.error_message ?? 'unknown error'}`);
        return 1;
      }
      const report = JSON.parse(row.report) as ReplayReport;
      io.out(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
      io.err(`Stored as replay ${id} (GET /api/replays/${id}); the imported refunds are deleted after ${row.delete_after}.`);
      return 0;
    } finally {
      await store.close();
    }
  });
}
