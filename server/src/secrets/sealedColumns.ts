// Every column that holds a secret, and the start-up step that seals the ones an older version
// stored in the clear and checks that every sealed one opens.

import type { SqliteConnection } from '../storage/sqlite/openSqlite.js';
import { isSealed, SecretsError, type SecretBox } from './SecretBox.js';

export interface SealedColumn {
  readonly table: string;
  readonly column: string;
  /** Columns that name the row in an error (never the secret). */
  readonly rowName: readonly string[];
}

/** `table.column`: the setting a sealed value is bound to. */
export function settingOf(column: Pick<SealedColumn, 'table' | 'column'>): string {
  return `${column.table}.${column.column}`;
}

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'stripe_connections', column: 'restricted_key', rowName: ['org_id'] },
  { table: 'stripe_connections', column: 'webhook_secret', rowName: ['org_id'] },
  { table: 'slack_settings', column: 'bot_token', rowName: ['org_id'] },
  { table: 'slack_settings', column: 'signing_secret', rowName: ['org_id'] },
  { table: 'webhook_endpoints', column: 'secret', rowName: ['org_id', 'id'] },
  { table: 'export_sinks', column: 'config', rowName: ['org_id', 'id'] },
  { table: 'sso_settings', column: 'client_secret', rowName: ['org_id'] },
  { table: 'sso_flows', column: 'code_verifier', rowName: ['org_id'] },
  { table: 'audit_signing_keys', column: 'private_key', rowName: ['id'] },
];

export const SETTINGS = {
  stripeKey: 'stripe_connections.restricted_key',
  stripeWebhookSecret: 'stripe_connections.webhook_secret',
  slackBotToken: 'slack_settings.bot_token',
  slackSigningSecret: 'slack_settings.signing_secret',
  webhookSecret: 'webhook_endpoints.secret',
  exportConfig: 'export_sinks.config',
  ssoClientSecret: 'sso_settings.client_secret',
  ssoCodeVerifier: 'sso_flows.code_verifier',
  signingKey: 'audit_signing_keys.private_key',
} as const;

/**
 * Seals every clear-text secret (a data folder from before secrets were sealed) and opens
 * every sealed one, so a wrong key or an altered value stops the start naming its setting
 * and row. Returns how many values were sealed now.
 */
export function sealStoredSecrets(db: SqliteConnection, box: SecretBox): number {
  let sealed = 0;
  db.transaction(() => {
    for (const column of SEALED_COLUMNS) {
      const setting = settingOf(column);
      const rows = db.prepare(`SELECT rowid AS rid, ${column.rowName.join(', ')}, ${column.column} AS value FROM ${column.table}
        WHERE ${column.column} IS NOT NULL`).all() as Array<Record<string, unknown> & { rid: number; value: string }>;
      const update = db.prepare(`UPDATE ${column.table} SET ${column.column} = ? WHERE rowid = ?`);
      for (const row of rows) {
        if (!isSealed(row.value)) {
          update.run(box.seal(setting, row.value), row.rid);
          sealed += 1;
          continue;
        }
        try {
          box.open(setting, row.value);
        } catch (error) {
          const name = column.rowName.map((key) => `${key} ${String(row[key])}`).join(', ');
          throw new SecretsError(`the stored setting ${setting} (${name}) cannot be opened: ${(error as Error).message}`);
        }
      }
    }
  }).immediate();
  if (sealed > 0) {
    // The clear text must not linger: VACUUM rewrites the file without the old cells (and
    // without free pages an older version left), and TRUNCATE empties the WAL that held them.
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  return sealed;
}
