// The work behind `axiru audit export | public-key | rotate-key | replay` (they open the data
// folder; `verify-export` does not and lives in verifyExportCli.ts).

import type { CliIo } from '../cli.js';
import { CliError, pickOrg, run, withStore } from '../cliActions.js';
import { PolicyCache } from '../services/PolicyCache.js';
import { exportBundle } from './exportBundle.js';
import { replayIntent } from './replayIntent.js';
import { rotateSigningKey } from './signingKeys.js';

export function auditExport(io: CliIo, options: { data?: string; org?: string; out: string }): Promise<void> {
  return run(io, () =>
    withStore(options, async (store) => {
      const org = await pickOrg(store, options.org);
      const summary = await exportBundle(store, org.id, options.out, new Date());
      io.out(JSON.stringify({
        org: summary.org, out: options.out, records: summary.records, checkpoints: summary.checkpoints,
        tree_size: summary.head?.tree_size ?? 0, root: summary.head?.root ?? null, key_id: summary.head?.key_id ?? null,
      }));
    }));
}

export function auditPublicKey(io: CliIo, options: { data?: string; all?: boolean }): Promise<void> {
  return run(io, () =>
    withStore(options, async (store) => {
      const keys = options.all ? await store.signingKeys.list() : [await store.signingKeys.current()].filter((key) => key !== null);
      if (keys.length === 0) throw new CliError('no signing key yet: it is created when the server first starts (or by axiru audit rotate-key)');
      for (const key of keys) io.out(key.public_key.trimEnd());
    }));
}

export function auditRotateKey(io: CliIo, options: { data?: string }): Promise<void> {
  return run(io, () =>
    withStore(options, async (store) => {
      const { retired, current } = await store.transaction((tx) => rotateSigningKey(tx, new Date()));
      io.out(JSON.stringify({ key_id: current.id, retired_key_id: retired?.id ?? null, endorsed_by: current.endorsed_by }));
      io.out(current.public_key.trimEnd());
    }));
}

export function auditReplay(io: CliIo, intentId: string, options: { data?: string; org?: string }): Promise<void> {
  return run(io, () =>
    withStore(options, async (store) => {
      const org = await pickOrg(store, options.org);
      const answer = await replayIntent(store, new PolicyCache(), org.id, intentId);
      if (!answer) throw new CliError(`no intent ${intentId} in ${org.id}`);
      io.out(JSON.stringify(answer, null, 2));
      return answer.identical ? 0 : 1;
    }));
}
