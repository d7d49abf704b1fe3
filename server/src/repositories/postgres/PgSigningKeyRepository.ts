import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { SigningKeyRepository, SigningKeyRow } from '../auditTypes.js';

import type { SecretBox } from '../../secrets/SecretBox.js';
import { SETTINGS } from '../../secrets/sealedColumns.js';

const COLUMNS = 'id, public_key, private_key, created_at, retired_at, endorsed_by, endorsement';

export class PgSigningKeyRepository implements SigningKeyRepository {
  private readonly currentStmt;
  private readonly listStmt;
  private readonly insertStmt;
  private readonly retireStmt;
  private readonly setPrivateKeyStmt;

  constructor(private readonly db: PgConnection, private readonly secrets: SecretBox) {
    this.currentStmt = db.prepare(`SELECT ${COLUMNS} FROM audit_signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, rid DESC LIMIT 1`);
    this.listStmt = db.prepare(`SELECT ${COLUMNS} FROM audit_signing_keys ORDER BY created_at, rid`);
    this.insertStmt = db.prepare(
      `INSERT INTO audit_signing_keys (${COLUMNS}) VALUES (@id, @public_key, @private_key, @created_at, @retired_at, @endorsed_by, @endorsement)`,
    );
    this.retireStmt = db.prepare('UPDATE audit_signing_keys SET retired_at = ? WHERE id = ? AND retired_at IS NULL');
    this.setPrivateKeyStmt = db.prepare('UPDATE audit_signing_keys SET private_key = ? WHERE id = ?');
  }

  async current(): Promise<SigningKeyRow | null> {
    const row = await this.currentStmt.get() as SigningKeyRow | undefined;
    return row ? this.opened(row) : null;
  }

  async list(): Promise<readonly SigningKeyRow[]> {
    return (await this.listStmt.all() as SigningKeyRow[]).map((row) => this.opened(row));
  }

  async insert(row: SigningKeyRow): Promise<void> {
    await this.insertStmt.run({ ...row, private_key: this.secrets.seal(SETTINGS.signingKey, row.private_key) });
  }

  /** The PEM as it was given (encrypted under AXIRU_SIGNING_KEY_PASSPHRASE or not), unsealed. */
  private opened(row: SigningKeyRow): SigningKeyRow {
    return { ...row, private_key: this.secrets.open(SETTINGS.signingKey, row.private_key) };
  }

  async retire(id: string, at: string): Promise<void> {
    await this.retireStmt.run(at, id);
  }

  async setPrivateKey(id: string, privateKeyPem: string): Promise<void> {
    await this.setPrivateKeyStmt.run(this.secrets.seal(SETTINGS.signingKey, privateKeyPem), id);
  }
}
